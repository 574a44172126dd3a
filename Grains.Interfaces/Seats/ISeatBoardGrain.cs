namespace Hotline.Seats;

/// <summary>
/// The live board of every seat (the supervisor wall's source), keyed by centre id ("centre").
/// Seats push their snapshot on every change; the board keeps the latest of each and survives nothing:
/// seats re-publish on activation and periodically, so a board lost with its silo refills itself.
/// </summary>
[Alias("hotline.ISeatBoardGrain")]
public interface ISeatBoardGrain : IGrainWithStringKey
{
    public const string Centre = "centre";

    [Orleans.Concurrency.OneWay, Alias("Publish")] Task PublishAsync(SeatSnapshot seat);
    [Alias("GetAll")] Task<IReadOnlyList<SeatSnapshot>> GetAllAsync();
}
