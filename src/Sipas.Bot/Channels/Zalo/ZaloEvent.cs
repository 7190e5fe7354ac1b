using System.Text.Json;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// One OA or ZNS webhook event (docs/channels.md §2.4–2.8), read field by field from the stored body: the envelope
/// every event has, and what each event we act on must carry. Ids and times arrive as strings or numbers.
/// </summary>
public sealed record ZaloEvent(string Name, string Timestamp, string? SenderId, string? MsgId, string? Text, ZaloRating? Rating, DateTimeOffset? DeliveredAt)
{
    public const string UserSendText = "user_send_text";
    public const string UserFeedback = "user_feedback";
    public const string UserReceivedMessage = "user_received_message";

    /// <summary>
    /// The id the inbox dedupes on: the event name with the message's msg_id (a ZNS message's receipt and its rating
    /// share the msg_id), else the name, timestamp and subject.
    /// </summary>
    public string EventId => MsgId is { Length: > 0 } ? $"{Name}:{MsgId}" : $"{Name}:{Timestamp}:{SenderId}";

    /// <summary>The event, or null with the reason when the body is not one we can read.</summary>
    public static ZaloEvent? Parse(ReadOnlySpan<byte> body, out string error)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            error = $"Not JSON: {ex.Message}";
            return null;
        }

        using (document)
        {
            return Parse(document.RootElement, out error);
        }
    }

    private static ZaloEvent? Parse(JsonElement root, out string error)
    {
        error = "";
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The body is not a JSON object.";
            return null;
        }

        if (ZaloApi.ReadString(root, "event_name") is not { Length: > 0 and <= 64 } name)
        {
            error = "event_name is missing or not a string.";
            return null;
        }

        if (ZaloApi.ReadString(root, "timestamp") is not { Length: > 0 and <= 32 } timestamp)
        {
            error = "timestamp is missing.";
            return null;
        }

        var message = root.TryGetProperty("message", out var m) ? m : default;
        if (message.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object))
        {
            error = "message is not an object.";
            return null;
        }

        var sender = root.TryGetProperty("sender", out var s) ? s : root.TryGetProperty("follower", out var f) ? f : default;
        var senderId = ZaloApi.ReadString(sender, "id");
        var msgId = ZaloApi.ReadString(message, "msg_id");
        if (msgId is { Length: > 100 } || senderId is { Length: > 100 })
        {
            error = "An id is too long.";
            return null;
        }

        switch (name)
        {
            case UserSendText:
                var text = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (string.IsNullOrEmpty(senderId) || string.IsNullOrEmpty(msgId) || text is null)
                {
                    error = "user_send_text needs sender.id, message.msg_id and message.text.";
                    return null;
                }

                return new ZaloEvent(name, timestamp, senderId, msgId, text.Length <= 2000 ? text : text[..2000], null, null);

            case UserFeedback:
                if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("rate", out var rate) || ZaloApi.ReadInt(rate) is not { } stars)
                {
                    error = "user_feedback needs message.rate as a number.";
                    return null;
                }

                if (ReadRating(message, stars, "submit_time", "tracking_id", "msg_id") is not { } rating)
                {
                    error = "user_feedback's feedbacks must be an array of strings and its note a string.";
                    return null;
                }

                return new ZaloEvent(name, timestamp, senderId, msgId, null, rating, null);

            case UserReceivedMessage:
                if (string.IsNullOrEmpty(msgId))
                {
                    error = "user_received_message needs message.msg_id.";
                    return null;
                }

                return new ZaloEvent(name, timestamp, senderId, msgId, null, null, ZaloApi.ReadEpochMs(message, "delivery_time"));

            default:
                return new ZaloEvent(name, timestamp, senderId, msgId, null, null, null);
        }
    }

    /// <summary>A rating from a webhook's <c>message</c> or a <c>rating/get</c> item; null when its reasons or note have the wrong type.</summary>
    public static ZaloRating? ReadRating(JsonElement item, int? stars, string submittedField, string trackingField, string msgIdField)
    {
        var feedbacks = new List<string>();
        if (item.TryGetProperty("feedbacks", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var feedback in list.EnumerateArray())
            {
                if (feedback.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                feedbacks.Add(feedback.GetString()!);
            }
        }

        string? note = null;
        if (item.TryGetProperty("note", out var n) && n.ValueKind != JsonValueKind.Null)
        {
            if (n.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            note = n.GetString();
        }

        return new ZaloRating(ZaloApi.ReadString(item, msgIdField), ZaloApi.ReadString(item, trackingField), stars, feedbacks, note, ZaloApi.ReadEpochMs(item, submittedField));
    }
}
