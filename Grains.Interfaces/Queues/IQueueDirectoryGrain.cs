namespace Hotline.Queues;

/// <summary>The list of configured queues (key "centre"); a queue adds itself when first configured.</summary>
[Alias("hotline.IQueueDirectoryGrain")]
public interface IQueueDirectoryGrain : IGrainWithStringKey
{
    public const string Centre = "centre";

    [Alias("Add")] Task AddAsync(string queueId);
    [Alias("GetAll")] Task<IReadOnlyList<string>> GetAllAsync();
}
