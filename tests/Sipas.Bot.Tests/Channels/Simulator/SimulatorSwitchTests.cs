using System.Net;
using System.Net.Http.Json;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Channels.Simulator;

/// <summary>The simulated phone reads and answers citizens' messages: it must be closed unless a developer asked for it.</summary>
public sealed class SimulatorSwitchTests
{
    private static async Task<(HttpStatusCode Page, HttpStatusCode Reply)> ProbeAsync(string environment, string? enabled)
    {
        await using var factory = await SipasFactory.StartAsync(new Dictionary<string, string?> { ["Channels:Simulator:Enabled"] = enabled }, environment);
        using var client = factory.CreateClient();
        using var page = await client.GetAsync("/dev/phone");
        using var reply = await client.PostAsJsonAsync("/api/v1/dev/messages", new { phone = "0912345678", text = "TU CHOI" });
        return (page.StatusCode, reply.StatusCode);
    }

    [Fact]
    public async Task InProduction_WithoutTheSetting_ThePhoneAndItsApiDoNotExist()
    {
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), await ProbeAsync("Production", enabled: null));
    }

    [Fact]
    public async Task InDevelopment_ThePhoneIsOnByDefault()
    {
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await ProbeAsync("Development", enabled: null));
    }

    [Fact]
    public async Task InProduction_EnabledExplicitly_ThePhoneIsOn()
    {
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await ProbeAsync("Production", enabled: "true"));
    }

    [Fact]
    public async Task InDevelopment_DisabledExplicitly_ThePhoneIsOff()
    {
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), await ProbeAsync("Development", enabled: "false"));
    }
}
