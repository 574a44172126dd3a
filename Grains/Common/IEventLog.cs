using Hotline.Events;

namespace Hotline.Common;

/// <summary>
/// Where the grains' live events go when the silo keeps them in a durable log (PostgreSQL, <c>hotline_events</c>)
/// rather than on the in-memory Orleans stream. Appending never waits and never fails the command that raised the event.
/// </summary>
public interface IEventLog
{
    void Append(HotlineEvent e);
}
