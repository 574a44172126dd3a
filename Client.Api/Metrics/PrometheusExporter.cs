using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Hotline.Api.Metrics;

/// <summary>
/// A small Prometheus text-format exporter over <see cref="MeterListener"/>: it aggregates this host's own meters
/// (created through its <see cref="IMeterFactory"/>: ASP.NET Core hosting, Kestrel, the API's) and the runtime's.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly HashSet<string> HostMeters =
    [
        HotlineMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
    ];

    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Tags that only multiply series without telling an operator anything.</summary>
    private static readonly HashSet<string> DroppedTags = ["network.protocol.name", "network.protocol.version", "url.scheme", "server.address", "server.port"];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();

    public PrometheusExporter(IMeterFactory meterFactory, HotlineMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var ours = ReferenceEquals(instrument.Meter.Scope, meterFactory) && HostMeters.Contains(instrument.Meter.Name);
            if (!ours && instrument.Meter.Name != "System.Runtime") return;
            _instruments[instrument] = new InstrumentState(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
        metrics.PublishZeros();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _instruments.Values.GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First();
            text.Append("# HELP ").Append(group.Key).Append(' ').Append(Escape(first.Help)).Append('\n');
            text.Append("# TYPE ").Append(group.Key).Append(' ').Append(first.PrometheusType).Append('\n');
            foreach (var state in group) state.Write(text);
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var state)) state.Record(value, tags);
    }

    private static string Escape(string help) => help.Replace("\\", "\\\\").Replace("\n", "\\n");

    private enum Kind { Counter, Gauge, Histogram }

    private sealed class InstrumentState
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly Kind _kind;
        private readonly bool _cumulativeObservation;
        private readonly double[] _buckets;

        public InstrumentState(Instrument instrument)
        {
            (_kind, _cumulativeObservation) = instrument switch
            {
                Counter<long> or Counter<int> or Counter<double> => (Kind.Counter, false),
                ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => (Kind.Counter, true),
                Histogram<double> or Histogram<long> or Histogram<int> => (Kind.Histogram, false),
                UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => (Kind.Gauge, false),
                _ => (Kind.Gauge, true),
            };
            _buckets = instrument switch
            {
                Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b],
                Histogram<long> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b.Select(x => (double)x)],
                Histogram<int> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b.Select(x => (double)x)],
                _ => DefaultBuckets,
            };
            Name = PrometheusName(instrument.Name, instrument.Unit, _kind == Kind.Counter);
            Help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
        }

        public string Name { get; }
        public string Help { get; }
        public string PrometheusType => _kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" };

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            var series = _series.GetOrAdd(labels, _ => new Series(_buckets.Length));
            lock (series)
            {
                if (_kind == Kind.Histogram)
                {
                    series.Count++;
                    series.Sum += value;
                    var i = 0;
                    while (i < _buckets.Length && value > _buckets[i]) i++;
                    series.Buckets[i]++;
                }
                else if (_cumulativeObservation) series.Value = value;
                else series.Value += value;
            }
        }

        public void Write(StringBuilder text)
        {
            foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (_kind != Kind.Histogram)
                    {
                        Line(text, Name, labels, series.Value);
                        continue;
                    }
                    long cumulative = 0;
                    for (var i = 0; i < _buckets.Length; i++)
                    {
                        cumulative += series.Buckets[i];
                        Line(text, Name + "_bucket", Join(labels, $"le=\"{Format(_buckets[i])}\""), cumulative);
                    }
                    Line(text, Name + "_bucket", Join(labels, "le=\"+Inf\""), series.Count);
                    Line(text, Name + "_sum", labels, series.Sum);
                    Line(text, Name + "_count", labels, series.Count);
                }
            }
        }

        private static void Line(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
            text.Append(' ').Append(Format(value)).Append('\n');
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

        private static string Format(double value) =>
            double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty) return "";
            var pairs = new List<KeyValuePair<string, object?>>(tags.Length);
            foreach (var tag in tags)
                if (!DroppedTags.Contains(tag.Key)) pairs.Add(tag);
            pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder();
            foreach (var (key, value) in pairs)
            {
                if (text.Length > 0) text.Append(',');
                text.Append(Sanitize(key)).Append("=\"");
                var rendered = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                text.Append(rendered.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")).Append('"');
            }
            return text.ToString();
        }

        private static string PrometheusName(string name, string? unit, bool counter)
        {
            var result = Sanitize(name);
            var suffix = unit switch
            {
                "s" => "_seconds",
                "ms" => "_milliseconds",
                "By" => "_bytes",
                _ => "",
            };
            if (suffix.Length > 0 && !result.EndsWith(suffix, StringComparison.Ordinal)) result += suffix;
            if (counter && !result.EndsWith("_total", StringComparison.Ordinal)) result += "_total";
            return result;
        }

        private static string Sanitize(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
                if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_') chars[i] = '_';
            return new string(chars);
        }
    }

    private sealed class Series(int buckets)
    {
        public double Value;
        public long Count;
        public double Sum;
        public readonly long[] Buckets = new long[buckets + 1];
    }
}
