using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Sipas.Data.Model;

namespace Sipas.Data.Diagnostics;

/// <summary>
/// Every Sipas metric, on the one <see cref="Meter"/> named <see cref="MeterName"/> that `/metrics` exports.
/// Each method is the whole call site: the web host, the scheduler and the channels call it with what they know,
/// and names, units and label values are decided here only. Label values come from enums and code constants,
/// never from request data, so a caller cannot blow up the number of series.
/// </summary>
public sealed class SipasMetrics : IDisposable
{
    public const string MeterName = "Sipas";

    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _oneStopEvents;
    private readonly Counter<long> _invitationTransitions;
    private readonly Counter<long> _messagesSent;
    private readonly Histogram<double> _sendDuration;
    private readonly Counter<long> _repliesReceived;
    private readonly Histogram<int> _dispatcherBatchSize;
    private readonly Counter<long> _providerPauses;
    private readonly Counter<long> _webhooks;

    // UTC ticks of the oldest due invitation not yet sent; 0 while nothing is due.
    private long _oldestDueTicks;

    /// <param name="meterFactory">The host's factory, so each host (and each test host) has its own meter; without one the meter is created here.</param>
    public SipasMetrics(TimeProvider time, IMeterFactory? meterFactory = null)
    {
        _time = time;
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);

        _oneStopEvents = _meter.CreateCounter<long>(
            "sipas.one_stop.events", "{event}", "One-stop events answered, by outcome (accepted, repeated, conflict, rejected) and HTTP status.");
        _invitationTransitions = _meter.CreateCounter<long>(
            "sipas.invitations.transitions", "{invitation}", "Invitation state changes, by the state left and the state entered.");
        _messagesSent = _meter.CreateCounter<long>(
            "sipas.messages.sends", "{message}", "Messages handed to a provider, by channel, provider and outcome (accepted, retryable, failed, unknown).");
        _sendDuration = _meter.CreateHistogram(
            "sipas.messages.send.duration", "s", "Time a provider took to answer a send, by channel, provider and outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _repliesReceived = _meter.CreateCounter<long>(
            "sipas.replies.received", "{message}", "Messages citizens sent us, by channel.");
        _dispatcherBatchSize = _meter.CreateHistogram(
            "sipas.dispatcher.batch.size", "{invitation}", "Invitations claimed per dispatcher batch.",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000] });
        _providerPauses = _meter.CreateCounter<long>(
            "sipas.providers.paused", "{pause}", "Times a provider was paused after a configuration error, by provider: alert on any increase.");
        _webhooks = _meter.CreateCounter<long>(
            "sipas.webhooks.received", "{request}", "Provider webhook requests, by webhook and outcome (accepted, repeated, unauthenticated, malformed).");
        _meter.CreateObservableGauge(
            "sipas.dispatcher.lag", DispatcherLagSeconds, "s",
            "Age of the oldest due invitation not yet sent (0 when none is waiting): how far dispatch is behind.");
    }

    /// <summary>The one-stop endpoint answered an event with <paramref name="statusCode"/> (202 accepted, 200 repeat, 409 conflict, anything else rejected).</summary>
    public void OneStopEventAnswered(int statusCode)
    {
        var outcome = statusCode switch
        {
            202 => "accepted",
            200 => "repeated",
            409 => "conflict",
            _ => "rejected",
        };
        _oneStopEvents.Add(1, new("outcome", outcome), new("status", statusCode));
    }

    /// <summary>
    /// <paramref name="count"/> invitations moved from one state to another: call with the number of rows the guarded
    /// update changed (a bulk update, such as expiry, passes its row count; 0 records nothing).
    /// </summary>
    public void InvitationMoved(InvitationState from, InvitationState to, int count = 1)
    {
        if (count > 0)
        {
            _invitationTransitions.Add(count, new("from", Name(from)), new("to", Name(to)));
        }
    }

    /// <summary>A provider accepted a message after <paramref name="duration"/>.</summary>
    public void MessageSent(ChannelKind channel, string provider, TimeSpan duration) => Send(channel, provider, "accepted", duration);

    /// <summary>A provider refused a message or could not be reached; <paramref name="retryable"/> as the channel classified it.</summary>
    public void MessageFailed(ChannelKind channel, string provider, TimeSpan duration, bool retryable) =>
        Send(channel, provider, retryable ? "retryable" : "failed", duration);

    /// <summary>A provider call's outcome was lost (timeout, or its sender stopped mid-call) and will not be repeated.</summary>
    public void MessageOutcomeUnknown(ChannelKind channel, string provider, TimeSpan duration) => Send(channel, provider, "unknown", duration);

    /// <summary>A citizen's message arrived on <paramref name="channel"/> (count it once, after deduplication).</summary>
    public void ReplyReceived(ChannelKind channel) => _repliesReceived.Add(1, new KeyValuePair<string, object?>("channel", Name(channel)));

    /// <summary>The dispatcher claimed a batch of <paramref name="size"/> invitations (0 when nothing was due).</summary>
    public void ProviderPaused(string provider) => _providerPauses.Add(1, new KeyValuePair<string, object?>("provider", provider));

    /// <summary>A provider webhook was answered; <paramref name="webhook"/> and <paramref name="outcome"/> are code constants.</summary>
    public void WebhookReceived(string webhook, string outcome) =>
        _webhooks.Add(1, new KeyValuePair<string, object?>("webhook", webhook), new KeyValuePair<string, object?>("outcome", outcome));

    public void DispatcherBatchClaimed(int size) => _dispatcherBatchSize.Record(size);

    /// <summary>
    /// The due time of the oldest scheduled invitation whose time has come, or null when none is waiting. The lag
    /// gauge is computed from it at scrape time, so it keeps growing between two reports of a stuck dispatcher.
    /// </summary>
    public void OldestDueInvitationIs(DateTimeOffset? dueAt) => Interlocked.Exchange(ref _oldestDueTicks, dueAt?.UtcTicks ?? 0);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private double DispatcherLagSeconds()
    {
        var ticks = Interlocked.Read(ref _oldestDueTicks);
        return ticks == 0 ? 0 : Math.Max(0, (_time.GetUtcNow().UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond);
    }

    private void Send(ChannelKind channel, string provider, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "channel", Name(channel) }, { "provider", provider }, { "outcome", outcome } };
        _messagesSent.Add(1, tags);
        _sendDuration.Record(duration.TotalSeconds, tags);
    }

    private static string Name<T>(T value) where T : struct, Enum => EnumNames<T>.Of(value);

    /// <summary>Label values as the API writes enum values: snake_case ("scheduled", "event_too_old").</summary>
    private static class EnumNames<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : value.ToString();
    }
}
