namespace Hotline.Api.Knowledge;

/// <summary>
/// Loads the segmenter's dictionaries (a few seconds) in the background at start, so the first agent to search does
/// not wait for them.
/// </summary>
internal sealed class KnowledgeWarmUp : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Run(() => ChineseSegmenter.Shared.Words("住房公积金提取"), stoppingToken);
}
