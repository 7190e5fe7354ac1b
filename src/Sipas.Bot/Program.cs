using Sipas.Bot.Channels;
using Sipas.Bot.Cli;
using Sipas.Bot.Conversations;
using Sipas.Bot.Hosting;
using Sipas.Bot.Http;
using Sipas.Bot.OneStop;
using Sipas.Bot.Operations;
using Sipas.Bot.Results;
using Sipas.Bot.Staff;
using Sipas.Bot.WebForm;
using Sipas.Data;
using Sipas.Scheduler;

if (SipasCli.Handles(args))
{
    return await SipasCli.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddSipasLogging(builder.Configuration);
var role = SipasRole.From(builder.Configuration);

using var startupLogs = LoggerFactory.Create(logging => logging.AddSipasLogging(builder.Configuration));
await using var database = await SipasDatabase.PrepareAsync(builder.Configuration, startupLogs.CreateLogger("Sipas.Startup"));

if (!TrustedProxies.TryAdd(builder.Services, builder.Configuration, startupLogs.CreateLogger("Sipas.Startup")))
{
    return 1;
}

builder.Services.AddSipasProblems();
builder.Services.AddSipasData(database.ConnectionString, database.PersonalData);
builder.Services.AddSipasDataProtection();
builder.Services.AddSipasScheduler(builder.Configuration, runJobServer: role.RunsJobs);
builder.Services.AddOneStopEvents(builder.Configuration);
builder.Services.AddOneStopSources();
builder.Services.AddChannels(builder.Configuration);
builder.Services.AddConversations();
builder.Services.AddWebForm(builder.Configuration);
builder.Services.AddStaff(builder.Configuration);
builder.Services.AddSipasOperations(builder.Configuration);

await using var app = builder.Build();
if (!await app.PrepareSchemaAsync(database))
{
    return 1;
}

if (!await FirstAdministrator.EnsureAsync(app, startupLogs.CreateLogger("Sipas.Startup")))
{
    return 1;
}

app.Services.RegisterSipasRecurringJobs();
app.Services.RegisterChannelRecurringJobs();
app.LogStartup(role, database);
if (!app.CheckChannels(role))
{
    return 1;
}

app.UseTrustedProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStaff();
if (role.ServesWeb)
{
    app.MapOneStopEvents();
    app.MapChannelWebhooks();
    app.MapIndex();
    app.MapWebForm();
    app.MapStaff();
}

app.MapOperations();
await app.RunAsync();
return 0;

/// <summary>Exposed for the in-process test host.</summary>
public partial class Program;
