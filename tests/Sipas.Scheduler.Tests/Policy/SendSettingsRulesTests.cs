using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler.Tests.Policy;

public class SendSettingsRulesTests
{
    [Fact]
    public void ValidSettings_AndUnsetFields_HaveNoErrors()
    {
        Assert.Empty(SendSettingsRules.Validate(TimeSpan.FromMinutes(30), 7 * 60, 21 * 60));
        Assert.Empty(SendSettingsRules.Validate(null, null, null));
        Assert.Empty(SendSettingsRules.Validate(TimeSpan.Zero, 20 * 60, 6 * 60));
        Assert.Empty(SendSettingsRules.Validate(TimeSpan.FromDays(7), 0, 1440));
    }

    [Theory]
    [InlineData(-1, 420, 1260, SendSettingsRules.DelayField, "không được âm")]
    [InlineData(60 * 24 * 7 + 1, 420, 1260, SendSettingsRules.DelayField, "quá 7 ngày")]
    [InlineData(30, 420, 420, SendSettingsRules.EndField, "khác giờ bắt đầu")]
    [InlineData(30, -1, 1260, SendSettingsRules.StartField, "00:00 đến 23:59")]
    [InlineData(30, 1440, 1260, SendSettingsRules.StartField, "00:00 đến 23:59")]
    [InlineData(30, 420, 0, SendSettingsRules.EndField, "00:01 đến 24:00")]
    [InlineData(30, 420, 1441, SendSettingsRules.EndField, "00:01 đến 24:00")]
    public void InvalidField_GetsAVietnameseMessage_UnderItsName(int delayMinutes, int start, int end, string field, string message)
    {
        var errors = SendSettingsRules.Validate(TimeSpan.FromMinutes(delayMinutes), start, end);

        Assert.Single(errors);
        Assert.Contains(message, errors[field], StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> ConfigurationErrors(SurveyOptions options)
    {
        var result = new DataAnnotationValidateOptions<SurveyOptions>(null).Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    [Theory]
    [InlineData("Asia/Atlantis", "07:00", "21:00", 30, "Survey:TimeZone")]
    [InlineData("Asia/Ho_Chi_Minh", "7h", "21:00", 30, "Survey:AllowedWindow:Start")]
    [InlineData("Asia/Ho_Chi_Minh", "07:00", "07:00", 30, "Survey:AllowedWindow:End")]
    [InlineData("Asia/Ho_Chi_Minh", "24:00", "21:00", 30, "Survey:AllowedWindow:Start")]
    [InlineData("Asia/Ho_Chi_Minh", "07:00", "21:00", -5, "Survey:DelayAfterReturn")]
    public void MalformedConfiguration_IsRefused_NamingItsKey(string zone, string start, string end, int delayMinutes, string key)
    {
        var options = new SurveyOptions
        {
            TimeZone = zone,
            DelayAfterReturn = TimeSpan.FromMinutes(delayMinutes),
            AllowedWindow = new SurveyOptions.WindowOptions { Start = start, End = end },
        };

        Assert.Contains(ConfigurationErrors(options), error => error.Contains(key, StringComparison.Ordinal));
        Assert.Empty(ConfigurationErrors(new SurveyOptions()));
    }

    [Fact]
    public void MalformedConfiguration_StopsTheStart_WhenTheOptionsAreFirstRead()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Survey:TimeZone"] = "Mars/Olympus" }).Build();
        services.AddOptions<SurveyOptions>().Bind(configuration.GetSection(SurveyOptions.Section)).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SurveyOptions>>().Value);
        Assert.Contains("Survey:TimeZone 'Mars/Olympus'", error.Message, StringComparison.Ordinal);
    }
}
