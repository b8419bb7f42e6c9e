using System.Net;
using Azure.Data.Tables;
using Licensing.Domain;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The admin list reads the license catalog (a table made for listing), never the Licenses table's seat and event
/// rows: a page costs one range read of the catalog and a point read per listed license, however many other rows
/// the Licenses table holds.
/// </summary>
public sealed class LicenseCatalogTests
{
    [Fact]
    public async Task A_page_of_50_licenses_costs_51_storage_requests_whether_the_table_holds_few_or_3000_other_rows()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        for (var i = 0; i < 50; i++)
        {
            await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { customerName = $"Customer {i:D2}" });
        }

        var few = await MeasureListAsync(server);
        var filler = await server.CreateLicenseAsync(mode: 1, seats: 1, extra: new { customerName = "Filler" });
        await FillPartitionAsync(server, filler.LicenseId, rows: 3_000);
        var many = await MeasureListAsync(server);

        Assert.Equal((50, 51, 1, 50), few);
        Assert.Equal((50, 51, 1, 50), many);
    }

    [Fact]
    public async Task The_list_filters_by_product_and_finds_by_customer_name_prefix_user_key_or_license_id()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var acme = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { productId = "pro", customerName = "Acme Corp" });
        var acorn = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { productId = "pro", customerName = "acorn" });
        var labs = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { productId = "basic", customerName = "Acme Labs" });
        var zeta = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { productId = "basic", customerName = "Zeta" });

        Assert.Equal(Sorted(acme, acorn), await ListedAsync(server, "productId=pro"));
        Assert.Equal(Sorted(acme, acorn, labs), await ListedAsync(server, "search=AC"));
        Assert.Equal(Sorted(labs), await ListedAsync(server, "search=acme&productId=basic"));
        Assert.Equal(Sorted(zeta), await ListedAsync(server, "search=" + Uri.EscapeDataString(zeta.UserKey)));
        Assert.Equal(Sorted(zeta), await ListedAsync(server, "search=" + zeta.LicenseId));
        Assert.Equal(Sorted(acme, acorn, labs, zeta), await ListedAsync(server, ""));
    }

    [Fact]
    public async Task A_renamed_license_is_found_by_its_new_name_alone_and_a_deleted_one_leaves_the_list()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var renamed = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { customerName = "Old Name" });
        var deleted = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { customerName = "Gone" });

        using var patched = await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{renamed.LicenseId}", new { customerName = "New Name" }, ServerFixture.AdminKey);
        using var deleting = await server.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{deleted.LicenseId}", null, ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.NoContent, deleting.StatusCode);
        Assert.Equal(Sorted(renamed), await ListedAsync(server, "search=new"));
        Assert.Empty(await ListedAsync(server, "search=old"));
        Assert.Equal(Sorted(renamed), await ListedAsync(server, ""));
    }

    [Fact]
    public async Task A_catalog_row_left_by_a_crash_is_confirmed_against_its_license_skipped_when_it_has_none_and_repaired_when_it_differs()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { customerName = "Real Name" });
        var catalog = server.Services.GetRequiredService<LicenseCatalog>();
        await catalog.PutAsync(Row("lic_aaaaaaaaaaaaaaaaaaaaaaaaaa", "Never Written"), CancellationToken.None);
        await catalog.PutAsync(Row(license.LicenseId, "Hinted Name"), CancellationToken.None);

        var listed = await ListedAsync(server, "");
        var byHint = await ListedAsync(server, "search=hinted");
        var byTruth = await ListedAsync(server, "search=real");

        Assert.Equal(Sorted(license), listed);
        Assert.Empty(byHint);
        Assert.Equal(Sorted(license), byTruth);
    }

    private static LicenseRow Row(string licenseId, string customerName) => new()
    {
        LicenseId = licenseId,
        UserKey = "",
        ProductId = "default",
        Mode = LicensingMode.Floating,
        CustomerName = customerName,
    };

    private static string[] Sorted(params License[] licenses) => [.. licenses.Select(l => l.LicenseId).Order(StringComparer.Ordinal)];

    private static async Task<string[]> ListedAsync(ServerFixture server, string query)
    {
        using var page = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/licenses?" + query, null, ServerFixture.AdminKey);
        return [.. page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>A page of 50: its item count, the storage requests it cost, of them the catalog queries and the point reads of license rows.</summary>
    private static async Task<(int Items, int Requests, int CatalogQueries, int LicenseReads)> MeasureListAsync(ServerFixture server)
    {
        server.StorageRequests.Reset();
        using var page = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/licenses?pageSize=50", null, ServerFixture.AdminKey);
        var requests = server.StorageRequests.Requests;
        return (
            page.RootElement.GetProperty("items").GetArrayLength(),
            requests.Count,
            requests.Count(r => r.Target == server.TablePrefix + "LicenseCatalog" && !r.IsPointRead),
            requests.Count(r => r.Target == server.TablePrefix + "Licenses" && r.IsPointRead && r.RowKey == TableKeys.LicenseRow));
    }

    /// <summary>Seat and event rows of one license, written straight to storage in batches.</summary>
    private static async Task FillPartitionAsync(ServerFixture server, string licenseId, int rows)
    {
        var entities = Enumerable.Range(0, rows).Select(i => new TableEntity(licenseId, i % 2 == 0 ? $"seat|act|filler{i:D6}" : $"event|filler|{i:D6}") { ["State"] = "deactivated" });
        foreach (var batch in entities.Chunk(100))
        {
            await server.Tables.Licenses.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
        }
    }
}
