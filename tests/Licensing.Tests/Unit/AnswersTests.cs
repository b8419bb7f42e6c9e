using System.Text.Json;
using Licensing.Domain;
using Licensing.Http;
using Licensing.Seats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Licensing.Tests.Unit;

/// <summary>The one mapping from outcomes to the wire: every reason code's wire form and status, without HTTP or storage.</summary>
public sealed class AnswersTests
{
    /// <summary>The contract's reason codes, written out here (not read from the server) so a renamed code fails.</summary>
    public static readonly TheoryData<string, string> ReasonCodes = new()
    {
        { "license_not_found", "No license matches this user key." },
        { "license_revoked", "The license has been revoked." },
        { "license_suspended", "The license is suspended." },
        { "license_expired", "The license has expired." },
        { "wrong_licensing_mode", "This call does not apply to the license's licensing mode." },
        { "seats_exhausted", "Every seat of the license is in use." },
        { "not_activated", "This machine is not activated for the license." },
        { "token_not_found", "No live seat matches this token or client." },
        { "token_expired", "The lease lapsed: request a seat again." },
        { "token_released", "The lease was released: request a seat again." },
        { "token_revoked", "The seat was revoked by the vendor." },
        { "invalid_token", "The license token is malformed or its signature does not verify." },
        { "machine_mismatch", "The token belongs to another machine." },
        { "transfer_limit_reached", "The license's seats have moved to other machines as often as its terms allow in 30 days." },
        { "offline_request_invalid", "The offline request is older than 7 days or was answered for another machine, or the deactivation proof does not verify." },
        { "usage_limit_reached", "The meter's limit (with its overage) for this period is used up; nothing was recorded." },
        { "meter_not_found", "The license has no meter with this code; nothing was recorded." },
    };

    [Theory]
    [MemberData(nameof(ReasonCodes))]
    public async Task A_denied_activate_or_validate_is_a_200_with_success_false_the_reason_its_message_and_the_counts(string reason, string message)
    {
        var (status, body) = await RenderAsync(Answers.Activation(new SeatDecision(reason, 3, 5, TimeSpan.FromMinutes(1))));

        Assert.Equal(200, status);
        Assert.Equal(
            $$"""{"success":false,"licenseToken":null,"tokenExpireAt":null,"activeClientCount":3,"maxClientCount":5,"license":null,"reason":"{{reason}}","message":"{{message}}"}""",
            body);
    }

    [Theory]
    [MemberData(nameof(ReasonCodes))]
    public async Task A_denied_request_is_a_200_with_granted_false_and_the_license_heartbeat_interval(string reason, string message)
    {
        var (status, body) = await RenderAsync(Answers.Lease(new SeatDecision(reason, 2, 2, TimeSpan.FromSeconds(90))));

        Assert.Equal(200, status);
        Assert.Equal(
            $$"""{"granted":false,"licenseToken":null,"tokenExpireAt":null,"heartbeatInterval":{"seconds":90,"nanos":0},"activeClientCount":2,"maxClientCount":2,"license":null,"reason":"{{reason}}","message":"{{message}}"}""",
            body);
    }

    [Theory]
    [MemberData(nameof(ReasonCodes))]
    public async Task A_refused_heartbeat_is_a_200_with_active_false(string reason, string message)
    {
        var (status, body) = await RenderAsync(Answers.Heartbeat(new LeaseRenewal(reason, 0, 0, HeartbeatInterval: null)));

        Assert.Equal(200, status);
        Assert.Equal(
            $$"""{"active":false,"activeClientCount":0,"maxClientCount":0,"tokenExpireAt":null,"heartbeatInterval":null,"reason":"{{reason}}","message":"{{message}}"}""",
            body);
    }

    [Theory]
    [InlineData("license_not_found", 404)]
    [InlineData("invalid_token", 404)]
    [InlineData("machine_mismatch", 404)]
    [InlineData("token_not_found", 404)]
    [InlineData("not_found", 404)]
    [InlineData("wrong_licensing_mode", 409)]
    [InlineData("user_key_in_use", 409)]
    public async Task A_refusal_of_a_call_without_an_outcome_flag_is_a_problem_with_its_status_and_code(string reason, int expectedStatus)
    {
        var (status, body) = await RenderAsync(Answers.Refused(new Refusal(reason, "What happened.")));

        using var problem = JsonDocument.Parse(body);
        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedStatus, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(reason, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("What happened.", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal($"https://httpstatuses.io/{expectedStatus}", problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_refusal_about_a_field_is_a_400_naming_the_field()
    {
        var (status, body) = await RenderAsync(Answers.Refused(PageRequest.UnknownContinuationToken));

        Assert.Equal(400, status);
        Assert.Equal(
            """{"type":"https://httpstatuses.io/400","title":"One or more fields are invalid.","status":400,"detail":"The request has invalid fields: see errors.","code":"validation_failed","errors":{"continuationToken":["is not a token this API returned."]}}""",
            body);
    }

    [Fact]
    public async Task A_granted_lease_states_its_token_expiry_interval_counts_and_the_signed_license()
    {
        var expireAt = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddTicks(1234);
        var decision = new SeatDecision(
            DeniedReason: null,
            1,
            4,
            TimeSpan.FromSeconds(30),
            new IssuedToken("signed.token", expireAt),
            new IssuedLicense("lic_x", LicensingMode.Floating, ExpireAt: null, SupportExpireAt: null, "AB", Entitlements: []));

        var (status, body) = await RenderAsync(Answers.Lease(decision));

        Assert.Equal(200, status);
        Assert.Equal(
            $$$"""{"granted":true,"licenseToken":"signed.token","tokenExpireAt":{"seconds":{{{expireAt.ToUnixTimeSeconds()}}},"nanos":123400},"heartbeatInterval":{"seconds":30,"nanos":0},"activeClientCount":1,"maxClientCount":4,"license":{"licenseId":"lic_x","licensingMode":2,"expireAt":null,"supportExpireAt":null,"licenseKey":[65,66],"entitlements":[]}}""",
            body);
    }

    private static async Task<(int Status, string Body)> RenderAsync(IActionResult result)
    {
        var context = new DefaultHttpContext();
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
