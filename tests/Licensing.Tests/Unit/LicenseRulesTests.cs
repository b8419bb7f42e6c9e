using Licensing.Domain;
using Licensing.Storage;

namespace Licensing.Tests.Unit;

public sealed class LicenseRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_license_state_is_checked_in_the_contract_order_revoked_then_suspended_then_expired_then_mode()
    {
        var license = License(LicensingMode.Activation);
        license.Revoked = true;
        license.Suspended = true;
        license.ExpireAt = Now.AddDays(-1);

        Assert.Equal(Reasons.LicenseRevoked, LicenseRules.Deny(license, Now, LicensingMode.Floating));
        license.Revoked = false;
        Assert.Equal(Reasons.LicenseSuspended, LicenseRules.Deny(license, Now, LicensingMode.Floating));
        license.Suspended = false;
        Assert.Equal(Reasons.LicenseExpired, LicenseRules.Deny(license, Now, LicensingMode.Floating));
        license.ExpireAt = null;
        Assert.Equal(Reasons.WrongLicensingMode, LicenseRules.Deny(license, Now, LicensingMode.Floating));
        Assert.Null(LicenseRules.Deny(license, Now, LicensingMode.Activation));
        Assert.Equal(Reasons.LicenseNotFound, LicenseRules.Deny(null, Now, null));
    }

    [Fact]
    public void A_license_expires_at_its_expiry_instant_not_after()
    {
        var license = License(LicensingMode.File);
        license.ExpireAt = Now;

        Assert.Equal(Reasons.LicenseExpired, LicenseRules.Deny(license, Now, null));
        Assert.Null(LicenseRules.Deny(license, Now.AddTicks(-1), null));
    }

    [Fact]
    public void A_lease_lapses_two_intervals_after_its_grant_but_never_after_the_license()
    {
        var interval = TimeSpan.FromMinutes(5);

        Assert.Equal(Now.AddMinutes(10), LicenseRules.LeaseExpiry(Now, interval, usableUntil: null));
        Assert.Equal(Now.AddMinutes(7), LicenseRules.LeaseExpiry(Now, interval, Now.AddMinutes(7)));
    }

    [Fact]
    public void A_lease_holds_its_seat_until_its_expiry_passes_and_an_activation_always()
    {
        var lease = Seat(TokenIds.NewLease(), Now.AddSeconds(1));
        var activation = Seat(TokenIds.NewActivation(), Now.AddDays(-100));

        Assert.True(LicenseRules.HoldsSeat(lease, Now));
        Assert.False(LicenseRules.HoldsSeat(lease, Now.AddSeconds(1)));
        Assert.True(LicenseRules.HoldsSeat(activation, Now));
        activation.End(SeatState.Deactivated, Now);
        Assert.False(LicenseRules.HoldsSeat(activation, Now));
    }

    [Theory]
    [InlineData(3, 5, 0)]
    [InlineData(4, 5, 0)]
    [InlineData(5, 5, 1)]
    [InlineData(7, 5, 3)]
    public void A_grant_reclaims_just_enough_lapsed_leases_to_make_room_for_one_more(int liveRows, int max, int expected) =>
        Assert.Equal(expected, LicenseRules.ReclaimsNeeded(liveRows, max));

    [Theory]
    [InlineData(0.999, false)]
    [InlineData(1, true)]
    [InlineData(86_400, true)]
    [InlineData(86_401, false)]
    public void Heartbeat_intervals_are_allowed_from_one_second_to_one_day(double seconds, bool allowed) =>
        Assert.Equal(allowed, LicenseRules.IsAllowedHeartbeatInterval(TimeSpan.FromSeconds(seconds)));

    private static LicenseRow License(LicensingMode mode) => new()
    {
        LicenseId = "lic_test",
        UserKey = "user-key",
        ProductId = "default",
        Mode = mode,
        MaxClientCount = 5,
    };

    private static SeatRow Seat(string tokenId, DateTimeOffset expireAt) => new()
    {
        LicenseId = "lic_test",
        RowKey = "seat|x",
        TokenId = tokenId,
        MachineId = "m",
        ExpireAt = expireAt,
    };
}
