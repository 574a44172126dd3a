namespace Hotline.Common;

/// <summary>
/// The grain storage providers the grains ask for and the silo registers, and the state names each grain stores
/// under: one place for both sides. "hotline" is the silo's general ADO.NET storage (table <c>orleansstorage</c>);
/// "tickets" and "calls" are the storages that are the read model (<c>tickets</c>, <c>call_records</c>).
/// </summary>
public static class GrainStorage
{
    /// <summary>The general state storage (ADO.NET, PostgreSQL).</summary>
    public const string Hotline = "hotline";
    /// <summary>Work orders: <c>TicketRecordStorage</c>, which writes the tickets read model with the state.</summary>
    public const string Tickets = "tickets";
    /// <summary>Calls: <c>CallRecordStorage</c>, which writes the call records with the state.</summary>
    public const string Calls = "calls";
    /// <summary>The stream provider's subscriptions (Orleans' own name).</summary>
    public const string PubSub = "PubSubStore";

    /// <summary>The state name each grain type stores under.</summary>
    public static class States
    {
        public const string Ticket = "ticket";
        public const string TicketSequence = "ticket-sequence";
        public const string Catalogue = "catalogue";
        public const string Calendar = "calendar";
        public const string Department = "department";
        public const string Departments = "departments";
        public const string ReminderProbe = "reminder-probe";
        public const string Call = "call";
        public const string Queue = "queue";
        public const string Queues = "queues";
        public const string Seat = "seat";
        public const string Phone = "phone";
        public const string IvrFlow = "ivr-flow";
        public const string Poll = "poll";
        public const string Campaign = "campaign";
    }
}
