using Licensing.Http;
using Licensing.Storage;

namespace Licensing.Tests.Unit;

public sealed class WireAndKeyTests
{
    [Fact]
    public void A_timestamp_is_unix_seconds_and_nanos_and_round_trips()
    {
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);

        var stamp = Timestamp.From(at);

        Assert.Equal(at.ToUnixTimeSeconds(), stamp.Seconds);
        Assert.Equal(123_456_700, stamp.Nanos);
        Assert.Equal(at, stamp.ToDateTimeOffset());
    }

    [Fact]
    public void A_duration_is_seconds_and_nanos()
    {
        var duration = Duration.From(TimeSpan.FromMilliseconds(90_250));

        Assert.Equal(90, duration.Seconds);
        Assert.Equal(250_000_000, duration.Nanos);
        Assert.Equal(TimeSpan.FromMilliseconds(90_250), duration.ToTimeSpan());
    }

    [Fact]
    public void A_license_id_follows_from_its_user_key_alone_and_does_not_reveal_it()
    {
        var id = TableKeys.LicenseId("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY");

        Assert.Equal(id, TableKeys.LicenseId("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"));
        Assert.NotEqual(id, TableKeys.LicenseId("ABCDE-FGHIJ-KLMNO-PQRST-UVWXZ"));
        Assert.Matches("^lic_[a-z2-7]{26}$", id);
        Assert.DoesNotContain("ABCDE", id, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Seat_row_keys_are_safe_table_keys_whatever_the_client_sends()
    {
        var hostile = "a/b\\c#d?e'f\u0001" + new string('x', 256);

        foreach (var key in new[] { TableKeys.ActivationRow(hostile), TableKeys.LeaseRow(hostile, hostile) })
        {
            Assert.True(TableKeys.IsSeatRow(key));
            Assert.DoesNotMatch("[/\\\\#?'\\u0000-\\u001f]", key);
            Assert.True(key.Length < 64);
        }

        Assert.NotEqual(TableKeys.LeaseRow("m", "c1"), TableKeys.LeaseRow("m", "c2"));
        Assert.NotEqual(TableKeys.LeaseRow("m\nc", ""), TableKeys.LeaseRow("m", "c"));
    }

    [Fact]
    public void Expiry_entries_sort_by_due_time_within_their_hour()
    {
        var early = new DateTimeOffset(2026, 11, 26, 12, 5, 30, TimeSpan.Zero);
        var late = early.AddMinutes(20);

        Assert.Equal("2026112612", TableKeys.ExpiryPartition(early));
        Assert.True(string.CompareOrdinal(TableKeys.ExpiryRow(early, "lic_b", "seat|x", "t"), TableKeys.ExpiryRow(late, "lic_a", "seat|x", "t")) < 0);
        Assert.True(string.CompareOrdinal(TableKeys.ExpiryRow(early, "lic_z", "seat|x", "t"), TableKeys.ExpiryRowUpperBound(early)) < 0);
        Assert.True(string.CompareOrdinal(TableKeys.ExpiryRow(late, "lic_a", "seat|x", "t"), TableKeys.ExpiryRowUpperBound(early)) > 0);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("Application/JSON; charset=UTF-8", true)]
    [InlineData("application/json-patch+json", true)]
    [InlineData("text/json", true)]
    [InlineData("application/vnd.vendor+json", true)]
    [InlineData("application/json; charset=utf-16", false)]
    [InlineData("text/plain", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData(null, false)]
    [InlineData("", false)]
    public void The_accepted_content_types_are_json_ones_with_or_without_a_utf8_charset(string? contentType, bool accepted) =>
        Assert.Equal(accepted, RequestBody.IsAcceptedContentType(contentType));
}
