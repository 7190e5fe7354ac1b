using Sipas.Bot.Channels.Zalo;

namespace Sipas.Bot.Tests.Channels.Zalo;

/// <summary>The pure rules of the ZNS client: the night ban's retry time, the phone form, the template parameters.</summary>
public class ZaloZnsRulesTests
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    [Theory]
    [InlineData("2026-11-23T23:10:00", "2026-11-24T06:05:00")]
    [InlineData("2026-11-24T03:00:00", "2026-11-24T06:05:00")]
    [InlineData("2026-11-24T05:59:59", "2026-11-24T06:05:00")]
    [InlineData("2026-11-24T06:00:00", "2026-11-25T06:05:00")]
    [InlineData("2026-12-31T22:00:00", "2027-01-01T06:05:00")]
    public void NightBan_IsRetriedAtTheNextSixInTheMorning_VietnamTime(string localNow, string localRetry)
    {
        var now = new DateTimeOffset(DateTime.Parse(localNow, System.Globalization.CultureInfo.InvariantCulture), Vietnam);

        Assert.Equal(new DateTimeOffset(DateTime.Parse(localRetry, System.Globalization.CultureInfo.InvariantCulture), Vietnam), ZaloZnsChannel.NextMorning(now));
    }

    [Theory]
    [InlineData("+84912345678", "84912345678")]
    [InlineData("0912345678", "84912345678")]
    [InlineData("84912345678", "84912345678")]
    [InlineData("+14155550100", null)]
    [InlineData("+84 912 345 678", null)]
    public void Phone_IsSentWithTheCountryCodeAndNoPlus(string address, string? expected) =>
        Assert.Equal(expected, ZaloZnsChannel.ZaloPhone(address));

    [Fact]
    public void TemplateData_MapsParamsFromDataKeys_CutsToMaxLength_AndSendsAbsentValuesEmpty()
    {
        var zns = new ZaloZnsOptions
        {
            Params = new() { ["ten_co_quan"] = "unit_name", ["thu_tuc"] = "procedure_name", ["ma"] = "survey_code" },
            ParamMaxLengths = new() { ["ten_co_quan"] = 6 },
        };
        var data = new Dictionary<string, string> { ["unit_name"] = "UBND phường Hoàn Kiếm", ["survey_code"] = "Ab3dE9xKq2", ["link"] = "https://sipas.test/s/Ab3dE9xKq2" };

        var values = ZaloZnsChannel.TemplateData(data, zns);

        Assert.Equal(new Dictionary<string, string> { ["ten_co_quan"] = "UBND p", ["thu_tuc"] = "", ["ma"] = "Ab3dE9xKq2" }, values);
    }
}
