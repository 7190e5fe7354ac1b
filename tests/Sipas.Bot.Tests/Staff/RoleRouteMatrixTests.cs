using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels.Esms;
using Sipas.Bot.Channels.Twilio;
using Sipas.Bot.Staff;
using Sipas.Bot.Tests.Channels.Esms;
using Sipas.Bot.Tests.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Testing;
using Xunit.Abstractions;

namespace Sipas.Bot.Tests.Staff;

/// <summary>
/// Every endpoint the application maps, read from its endpoint data sources (so a new endpoint is in this test the
/// moment it exists), against every kind of caller: it must either say what protects it without sign-in, or require a
/// staff policy that lets in exactly the roles and scopes it should and refuses the others with 403 and an audit entry.
/// </summary>
public sealed class RoleRouteMatrixTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string WardA = "MA-A";
    private const string WardB = "MA-B";

    /// <summary>
    /// Endpoints about one unit (or one account of a unit), and how it is given: their callers outside its scope are
    /// refused. Here they are all about ward A, or about an account in ward A.
    /// </summary>
    private static readonly Dictionary<string, string> UnitScoped = new(StringComparer.Ordinal)
    {
        ["/api/v1/index"] = "query:unit",
        ["/admin/units/{code}"] = "route:code",
        ["/admin/staff/{id:guid}/disable"] = "route:id",
        ["/admin/staff/{id:guid}/enable"] = "route:id",
        ["/admin/staff/{id:guid}/password"] = "route:id",
    };

    /// <summary>Changes to what every unit shares (the holiday list): only an Administrator of the whole deployment may make them.</summary>
    private static readonly HashSet<string> DeploymentWide = new(StringComparer.Ordinal) { "POST /admin/holidays", "POST /admin/holidays/delete" };

    private static readonly string[] StaffPolicyNames = [StaffPolicies.SignedIn, StaffPolicies.Administer, StaffPolicies.Oversee];

    private FakeTwilio _twilio = null!;
    private FakeEsms _esms = null!;
    private SipasFactory _factory = null!;
    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private Guid _accountInWardA;

    private enum Caller
    {
        Anonymous,
        UnitViewerInScope,
        UnitViewerOutOfScope,
        Supervisor,
        Administrator,
        AdministratorOutOfScope,
    }

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        _esms = await FakeEsms.StartAsync();
        // Every provider whose webhooks exist only when configured is configured, so its endpoints are in the matrix.
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in _twilio.ServiceSettings(environmentStyle: false).Concat(_esms.ServiceSettings(twoWay: true)))
        {
            settings[key] = value;
        }

        settings["Channels:Simulator:Enabled"] = "true";
        _factory = await SipasFactory.StartAsync(settings);
        await using (var db = TestDatabase.Open(_factory.ConnectionString))
        {
            var seed = new Seed(db);
            var province = await seed.UnitAsync("MA", "Tỉnh Ma Trận");
            await seed.UnitAsync(WardA, "Phường A", province.Id);
            await seed.UnitAsync(WardB, "Phường B", province.Id);
        }

        _accountInWardA = (await StaffSessions.CreateAsync(_factory.Services, "muc-tieu", StaffRole.UnitViewer, WardA)).Id;
        _clients[Caller.Anonymous] = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        _clients[Caller.UnitViewerInScope] = await StaffSessions.ClientAsync(_factory, StaffRole.UnitViewer, WardA);
        _clients[Caller.UnitViewerOutOfScope] = await StaffSessions.ClientAsync(_factory, StaffRole.UnitViewer, WardB);
        _clients[Caller.Supervisor] = await StaffSessions.ClientAsync(_factory, StaffRole.Supervisor);
        _clients[Caller.Administrator] = await StaffSessions.ClientAsync(_factory, StaffRole.Administrator);
        _clients[Caller.AdministratorOutOfScope] = await StaffSessions.ClientAsync(_factory, StaffRole.Administrator, WardB);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _factory.DisposeAsync();
        await _esms.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public void EveryEndpoint_EitherRequiresAStaffPolicy_OrSaysWhatProtectsIt()
    {
        var endpoints = Endpoints();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/v1/one-stop/events");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText!.StartsWith("/hangfire", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == TwilioWebhooks.StatusPath);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText!.StartsWith(EsmsWebhooks.PathPrefix, StringComparison.Ordinal));
        foreach (var endpoint in endpoints)
        {
            var isPublic = endpoint.Metadata.GetMetadata<PublicEndpoint>() is { ProtectedBy.Length: > 10 };
            var policies = Policies(endpoint);
            Assert.True(
                isPublic != (policies.Count > 0),
                $"{Describe(endpoint)} must carry either .Public(\"what protects it\") or exactly one staff policy; it has public={isPublic}, policies=[{string.Join(", ", policies)}]");
            if (!isPublic)
            {
                Assert.Single(policies);
                Assert.Contains(policies[0], StaffPolicyNames);
            }
        }
    }

    [Fact]
    public async Task EveryStaffEndpoint_LetsInExactlyTheRolesAndScopesOfItsPolicy_AndAuditsEachRefusal()
    {
        var refusals = 0;
        var checkedCount = 0;
        foreach (var endpoint in Endpoints().Where(e => Policies(e).Count == 1))
        {
            var policy = Policies(endpoint)[0];
            foreach (var method in Methods(endpoint))
            {
                foreach (var caller in Enum.GetValues<Caller>())
                {
                    var expected = Expected(policy, caller, UnitScoped.ContainsKey(endpoint.RoutePattern.RawText!), DeploymentWide.Contains($"{method} {endpoint.RoutePattern.RawText}"));
                    using var response = await SendAsync(endpoint, method, caller);
                    var status = (int)response.StatusCode;
                    var location = response.Headers.Location?.ToString() ?? "";
                    var at = $"{method} {PathOf(endpoint)} as {caller}: {status} {location}";
                    output.WriteLine(at);
                    switch (expected)
                    {
                        case Outcome.SignIn when PathOf(endpoint).StartsWith("/api/", StringComparison.Ordinal):
                            Assert.True(status == StatusCodes.Status401Unauthorized, at);
                            break;
                        case Outcome.SignIn:
                            Assert.True(status == StatusCodes.Status302Found && location.Contains(StaffPage.SignInPath, StringComparison.Ordinal), at);
                            break;
                        case Outcome.Refused:
                            Assert.True(status == StatusCodes.Status403Forbidden, at);
                            refusals++;
                            break;
                        default:
                            Assert.True(status is not (401 or 403) and < 500 && !location.Contains(StaffPage.SignInPath, StringComparison.Ordinal), at);
                            break;
                    }

                    checkedCount++;
                }
            }
        }

        Assert.True(checkedCount >= 6 * 8, $"only {checkedCount} checks: the staff routes were not found");
        await using var db = TestDatabase.Open(_factory.ConnectionString);
        Assert.Equal(refusals, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.AccessDenied));
    }

    private enum Outcome
    {
        Allowed,
        SignIn,
        Refused,
    }

    private static Outcome Expected(string policy, Caller caller, bool unitScoped, bool deploymentWide)
    {
        if (caller == Caller.Anonymous)
        {
            return Outcome.SignIn;
        }

        var roleAllowed = policy switch
        {
            StaffPolicies.SignedIn => true,
            StaffPolicies.Administer => caller is Caller.Administrator or Caller.AdministratorOutOfScope,
            StaffPolicies.Oversee => caller is Caller.Administrator or Caller.AdministratorOutOfScope or Caller.Supervisor,
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "not a staff policy"),
        };
        var scopeAllowed = (!unitScoped || caller is not (Caller.UnitViewerOutOfScope or Caller.AdministratorOutOfScope))
            && (!deploymentWide || caller is not Caller.AdministratorOutOfScope);
        return roleAllowed && scopeAllowed ? Outcome.Allowed : Outcome.Refused;
    }

    private async Task<HttpResponseMessage> SendAsync(RouteEndpoint endpoint, string method, Caller caller)
    {
        var client = _clients[caller];
        var path = PathOf(endpoint);
        if (UnitScoped.TryGetValue(endpoint.RoutePattern.RawText!, out var given) && given == "query:unit")
        {
            path += "?unit=" + WardA;
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == HttpMethods.Post)
        {
            // A valid token, so a refusal can only come from the role or scope, never from the missing token (but not
            // on sign-out, which every role may use: a valid post there would end the caller's session mid-test).
            var fields = new Dictionary<string, string>();
            if (caller != Caller.Anonymous && path != StaffPage.SignOutPath)
            {
                fields["af"] = await StaffSessions.AntiforgeryTokenAsync(client, StaffPage.Home);
            }

            request.Content = new FormUrlEncodedContent(fields);
        }

        return await client.SendAsync(request);
    }

    private List<RouteEndpoint> Endpoints() =>
        [.. _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static List<string> Policies(RouteEndpoint endpoint) =>
        [.. endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct()];

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : [HttpMethods.Get];

    /// <summary>A concrete path: a unit gets ward A, an account the one in ward A, a catch-all nothing, any other parameter a value no row has.</summary>
    private string PathOf(RouteEndpoint endpoint)
    {
        var segments = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart { IsCatchAll: true } => "",
            RoutePatternParameterPart { Name: "code" } when UnitScoped.ContainsKey(endpoint.RoutePattern.RawText!) => WardA,
            RoutePatternParameterPart { Name: "id" } when UnitScoped.ContainsKey(endpoint.RoutePattern.RawText!) => _accountInWardA.ToString(),
            RoutePatternParameterPart => "khong-co",
            _ => "",
        })));
        return "/" + string.Join("/", segments).TrimEnd('/');
    }

    private static string Describe(RouteEndpoint endpoint) => $"{string.Join(",", Methods(endpoint))} {endpoint.RoutePattern.RawText}";
}
