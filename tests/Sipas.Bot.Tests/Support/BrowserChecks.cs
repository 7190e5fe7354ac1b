using System.Text.Json;
using OpenQA.Selenium;

namespace Sipas.Bot.Tests.Support;

/// <summary>One accessibility rule the page breaks, as axe-core reports it, with the elements that break it.</summary>
public sealed record AxeViolation(string Id, string? Impact, string Help, IReadOnlyList<string> Targets)
{
    public override string ToString() => $"{Id} ({Impact}): {Help} — {string.Join(", ", Targets)}";
}

/// <summary>What the web-form tests measure in a real browser: phone-sized viewports, scrolling, weight, axe-core, screenshots.</summary>
public static class BrowserChecks
{
    /// <summary>The WCAG 2.x A and AA rules (up to 2.2) that axe-core can check.</summary>
    public static readonly string[] WcagAaTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

    private static readonly Lazy<string> AxeSource = new(() => Fixtures.Text("WebForm/axe.min.js"));

    /// <summary>A phone's viewport (CSS pixels), as Chrome's device emulation gives it: the page lays out at this width.</summary>
    public static void EmulatePhone(this HeadlessChromium browser, int width, int height) =>
        browser.Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = width,
            ["height"] = height,
            ["deviceScaleFactor"] = 2,
            ["mobile"] = true,
        });

    /// <summary>True when the page is wider than the viewport (the reader would have to scroll sideways).</summary>
    public static bool ScrollsSideways(this HeadlessChromium browser) =>
        (bool)browser.Driver.ExecuteScript("return document.documentElement.scrollWidth > document.documentElement.clientWidth;")!;

    /// <summary>Bytes of the page as they came over the wire (the document's body), and how many other resources it loaded.</summary>
    public static (long DocumentBytes, IReadOnlyList<string> OtherResources) Weight(this HeadlessChromium browser)
    {
        var bytes = Convert.ToInt64(browser.Driver.ExecuteScript("return performance.getEntriesByType('navigation')[0].encodedBodySize;"), System.Globalization.CultureInfo.InvariantCulture);
        var others = (IReadOnlyCollection<object>)browser.Driver.ExecuteScript("return performance.getEntriesByType('resource').map(r => r.name);")!;
        return (bytes, [.. others.Select(o => (string)o)]);
    }

    /// <summary>Runs axe-core inside the page on the WCAG 2.x A/AA rules; returns what it found.</summary>
    public static IReadOnlyList<AxeViolation> AxeViolations(this HeadlessChromium browser)
    {
        browser.Driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(60);
        browser.Driver.ExecuteScript(AxeSource.Value);
        var json = (string)browser.Driver.ExecuteAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: TAGS } })
              .then(r => done(JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')) })))))
              .catch(e => done(JSON.stringify([{ id: 'axe-error', impact: null, help: String(e), targets: [] }])));
            """.Replace("TAGS", JsonSerializer.Serialize(WcagAaTags), StringComparison.Ordinal))!;
        return JsonSerializer.Deserialize<List<AxeViolation>>(json, JsonSerializerOptions.Web)!;
    }

    /// <summary>The whole page, not only the viewport, kept under the test binaries' artifacts/ folder.</summary>
    public static void FullPageScreenshot(this HeadlessChromium browser, string name)
    {
        var shot = browser.Driver.ExecuteCdpCommand("Page.captureScreenshot", new Dictionary<string, object?> { ["format"] = "png", ["captureBeyondViewport"] = true });
        var data = (string)((Dictionary<string, object>)shot!)["data"];
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        File.WriteAllBytes(Path.Combine(folder, name + ".png"), Convert.FromBase64String(data));
    }

    /// <summary>The element that has the keyboard focus: its tag, type and name.</summary>
    public static (string Tag, string? Type, string? Name) Focused(this HeadlessChromium browser)
    {
        var focused = (IReadOnlyDictionary<string, object>)browser.Driver.ExecuteScript(
            "const e = document.activeElement; return { tag: e.tagName.toLowerCase(), type: e.getAttribute('type'), name: e.getAttribute('name') };")!;
        return ((string)focused["tag"], focused["type"] as string, focused["name"] as string);
    }
}
