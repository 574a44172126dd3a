using Hotline.Api.Apis;
using Hotline.Api.Hosting;
using Hotline.Api.Integrations;
using Hotline.Api.Knowledge;
using Hotline.Api.Reports;
using Hotline.Api.Ui;
using Hotline.Api.Voicemail;

if (args is [CreateAdminCommand.Name, ..]) return await CreateAdminCommand.RunAsync(args, Console.In, Console.Out, Console.Error);
if (args is [AuditVerifyCommand.Name, ..]) return await AuditVerifyCommand.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
builder.AddHotlineApi();
builder.AddHotlineUi();
builder.AddHotlineIntegrations();

var app = builder.Build();
if (!app.HasValidConfiguration()) return 1;

app.UseHotlineApi();
app.MapAuthApi();
app.MapUsersApi();
app.MapSeatsApi();
app.MapQueuesApi();
app.MapCallsApi();
app.MapSimTrunkApi();
app.MapTicketsApi();
app.MapDepartmentsApi();
app.MapCatalogueApi();
app.MapCalendarApi();
app.MapIvrApi();
app.MapPublicTicketsApi();
app.MapRecordingsApi();
app.MapVoicemailApi();
app.MapSurveysApi();
app.MapSurveyCampaignsApi();
app.MapEventsApi();
app.MapHotlineIntegrations();
app.MapKnowledgeApi();
app.MapReportsApi();
app.MapAuditApi();
app.MapHotlineOperations();
app.MapHotlineUi();

return await app.RunHotlineApiAsync();

/// <summary>The API host: an Orleans client behind minimal APIs. Public for WebApplicationFactory in the tests.</summary>
public partial class Program;
