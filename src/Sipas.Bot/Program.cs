using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Conversations;
using Sipas.Bot.Hosting;
using Sipas.Bot.Http;
using Sipas.Bot.OneStop;
using Sipas.Bot.Operations;
using Sipas.Bot.Results;
using Sipas.Data;
using Sipas.Scheduler;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddSipasLogging(builder.Configuration);
var role = SipasRole.From(builder.Configuration);

using var startupLogs = LoggerFactory.Create(logging => logging.AddSipasLogging(builder.Configuration));
await using var database = await SipasDatabase.PrepareAsync(builder.Configuration, startupLogs.CreateLogger("Sipas.Startup"));

builder.Services.AddSipasProblems();
builder.Services.AddSipasData(database.ConnectionString, database.PersonalData);
builder.Services.AddSipasScheduler(builder.Configuration, runJobServer: role.RunsJobs);
builder.Services.AddOneStopEvents(builder.Configuration);
builder.Services.AddChannels(builder.Configuration);
builder.Services.AddConversations();
builder.Services.AddSipasOperations();

var app = builder.Build();
await app.Services.MigrateSipasDatabaseAsync();
app.Services.RegisterSipasRecurringJobs();
app.LogStartup(role, database);
if (!app.CheckChannels(role))
{
    return 1;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
if (role.ServesWeb)
{
    app.MapOneStopEvents();
    app.MapSimulator();
    app.MapIndex();
}

app.MapOperations();
await app.RunAsync();
return 0;

/// <summary>Exposed for the in-process test host.</summary>
public partial class Program;
