namespace Hotline.Cluster;

/// <summary>
/// A grain whose state another grain mirrors as soft state: a waiting call is a place in its queues' lines, a
/// logged-in seat a row in its queues and on the seat board, a queue holds both. When a silo dies, what it hosted
/// comes back empty on the survivors; every survivor then asks its own such grains to tell again what they are
/// (<c>SoftStateRepair</c>), so a rebuilt queue is whole as soon as the death is known, with no heartbeat through it.
/// </summary>
[Alias("hotline.IReannounce")]
public interface IReannounce : IAddressable
{
    /// <param name="lostSilo">The silo that died (its parsable address), or null when a holder came back empty for another reason.</param>
    [Alias("Reannounce")] Task ReannounceAsync(string? lostSilo);
}
