using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Support;

/// <summary>Debian's Chromium driven headless through Debian's chromedriver; nothing is downloaded.</summary>
public sealed class HeadlessChromium : IDisposable
{
    private readonly string _profile = Path.Combine(Path.GetTempPath(), "sipas-chromium-" + Guid.NewGuid().ToString("N")[..8]);

    public HeadlessChromium()
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,900",
            "--user-data-dir=" + _profile);
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public ChromeDriver Driver { get; }

    /// <summary>Waits for a matching element; one the page replaces while it is being looked at is simply looked for again.</summary>
    public Task<IWebElement> WaitForAsync(By by, Func<IWebElement, bool>? condition = null, string? what = null) =>
        Eventually.WaitForAsync(
            () => Task.FromResult(Find(by, condition)),
            element => element is not null,
            TimeSpan.FromSeconds(60),
            what ?? by.ToString())!;

    /// <summary>Types into a field and presses Enter in one command, again if the page replaced the field before it landed.</summary>
    public Task SubmitAsync(By field, string text) =>
        Eventually.WaitForAsync(
            () =>
            {
                try
                {
                    Driver.FindElement(field).SendKeys(text + Keys.Enter);
                    return Task.FromResult(true);
                }
                catch (StaleElementReferenceException)
                {
                    return Task.FromResult(false);
                }
            },
            done => done,
            TimeSpan.FromSeconds(20),
            "the form to take the text");

    private IWebElement? Find(By by, Func<IWebElement, bool>? condition)
    {
        try
        {
            return Driver.FindElements(by).FirstOrDefault(e => condition?.Invoke(e) ?? true);
        }
        catch (StaleElementReferenceException)
        {
            return null;
        }
    }

    public void Screenshot(string path) => Driver.GetScreenshot().SaveAsFile(path);

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be releasing its profile; the temp folder is cleaned by the system.
        }
    }
}
