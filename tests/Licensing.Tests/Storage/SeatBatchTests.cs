using Licensing.Seats;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Storage;

/// <summary>A round of the group commit reads storage only where storage still shows what a member alone would find.</summary>
public sealed class SeatBatchTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_earliest_lease_expiry_is_read_from_storage_until_a_member_of_the_round_staged_a_change_then_the_member_waits_for_the_next_round()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 60);
        using var granted = await server.PostAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        Assert.Equal(System.Net.HttpStatusCode.OK, granted.StatusCode);
        var seatRow = TableKeys.LeaseRow("m1", "");
        var stored = SeatRow.FromEntity(Assert.Single(await server.StoredRowsAsync(license.LicenseId), r => r.RowKey == seatRow));

        var batch = await SeatBatch.ReadAsync(
            server.Services.GetRequiredService<SeatStore>(), server.Services.GetRequiredService<ExpiryIndex>(), license.LicenseId, [seatRow], CancellationToken.None);
        Assert.Equal(stored.ExpireAt, await batch.ReadEarliestLeaseExpiryAsync(license.LicenseId, CancellationToken.None));

        var read = await batch.ReadAsync(license.LicenseId, seatRow, CancellationToken.None);
        var seat = read.Seat(seatRow)!;
        seat.ExpireAt = stored.ExpireAt.AddMinutes(1);
        Assert.True(await batch.RenewSeatAsync(read.License!, seat, CancellationToken.None));

        await Assert.ThrowsAsync<NextRoundException>(() => batch.ReadEarliestLeaseExpiryAsync(license.LicenseId, CancellationToken.None));
        Assert.Equal(1, batch.Staged);
    }
}
