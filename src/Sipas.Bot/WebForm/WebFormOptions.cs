using Sipas.Bot.Http;
using System.ComponentModel.DataAnnotations;

namespace Sipas.Bot.WebForm;

/// <summary>Settings of the short-link web form (<c>WebForm:*</c>).</summary>
public sealed class WebFormOptions
{
    public const string Section = "WebForm";

    public RateLimitOptions RateLimit { get; set; } = new();

    public sealed class RateLimitOptions
    {
        /// <summary>
        /// Requests to <c>/s/*</c> one client address may make per minute. A person filling one form needs a handful;
        /// a script guessing codes needs millions (62^10 codes), so the limit costs citizens nothing.
        /// </summary>
        [Range(1, int.MaxValue)]
        public int PermitsPerMinute { get; set; } = 60;
    }
}
