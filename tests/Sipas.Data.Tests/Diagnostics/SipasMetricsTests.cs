using System.Diagnostics.Metrics;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;

namespace Sipas.Data.Tests.Diagnostics;

/// <summary>Each method records on its instrument with the labels its name promises, read back with a MeterListener.</summary>
public sealed class SipasMetricsTests : IDisposable
{
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly List<Measurement> _measurements = [];
    private readonly MeterListener _listener = new();
    private readonly SipasMetrics _metrics;

    public SipasMetricsTests()
    {
        _metrics = new SipasMetrics(_clock);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SipasMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    [Theory]
    [InlineData(202, "accepted")]
    [InlineData(200, "repeated")]
    [InlineData(409, "conflict")]
    [InlineData(401, "rejected")]
    [InlineData(422, "rejected")]
    public void OneStopEventAnswered_CountsByOutcomeAndStatus(int status, string outcome)
    {
        _metrics.OneStopEventAnswered(status);

        var m = Assert.Single(_measurements, m => m.Instrument == "sipas.one_stop.events");
        Assert.Equal((1, outcome, status), (m.Value, m.Tags["outcome"], m.Tags["status"]));
    }

    [Fact]
    public void InvitationMoved_CountsRowsByStateLeftAndEntered_InTheApiSpelling()
    {
        _metrics.InvitationMoved(InvitationState.Started, InvitationState.Partial, count: 3);
        _metrics.InvitationMoved(InvitationState.Scheduled, InvitationState.Sent, count: 0);

        var m = Assert.Single(_measurements, m => m.Instrument == "sipas.invitations.transitions");
        Assert.Equal((3, "started", "partial"), (m.Value, m.Tags["from"], m.Tags["to"]));
    }

    [Fact]
    public void Sends_AreCountedAndTimedByChannelProviderAndOutcome()
    {
        _metrics.MessageSent(ChannelKind.Sms, "esms", TimeSpan.FromMilliseconds(250));
        _metrics.MessageFailed(ChannelKind.Zalo, "zalo-zns", TimeSpan.FromSeconds(2), retryable: true);
        _metrics.MessageFailed(ChannelKind.Telegram, "telegram", TimeSpan.FromSeconds(1), retryable: false);

        var sends = _measurements.Where(m => m.Instrument == "sipas.messages.sends").Select(m => (m.Tags["channel"], m.Tags["provider"], m.Tags["outcome"]));
        Assert.Equal([("sms", "esms", "accepted"), ("zalo", "zalo-zns", "retryable"), ("telegram", "telegram", "failed")], sends);
        var durations = _measurements.Where(m => m.Instrument == "sipas.messages.send.duration").Select(m => m.Value);
        Assert.Equal([0.25, 2, 1], durations);
    }

    [Fact]
    public void RepliesAndBatches_AreRecorded()
    {
        _metrics.ReplyReceived(ChannelKind.Telegram);
        _metrics.DispatcherBatchClaimed(25);

        Assert.Equal("telegram", Assert.Single(_measurements, m => m.Instrument == "sipas.replies.received").Tags["channel"]);
        Assert.Equal(25, Assert.Single(_measurements, m => m.Instrument == "sipas.dispatcher.batch.size").Value);
    }

    [Fact]
    public void DispatcherLag_IsTheAgeOfTheOldestDueInvitation_ComputedWhenRead_AndZeroWhenNoneIsWaiting()
    {
        Assert.Equal(0, Lag());

        _metrics.OldestDueInvitationIs(_clock.Now.AddSeconds(-90));
        Assert.Equal(90, Lag());

        // Between two reports the lag keeps growing, as it does when the dispatcher is stuck.
        _clock.Now = _clock.Now.AddSeconds(30);
        Assert.Equal(120, Lag());

        _metrics.OldestDueInvitationIs(null);
        Assert.Equal(0, Lag());
    }

    private double Lag()
    {
        _measurements.Clear();
        _listener.RecordObservableInstruments();
        return Assert.Single(_measurements, m => m.Instrument == "sipas.dispatcher.lag").Value;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Add(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
