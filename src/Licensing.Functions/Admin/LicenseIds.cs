using System.Text.RegularExpressions;
using Licensing.Domain;
using Licensing.Http;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Admin;

public static partial class LicenseIds
{
    /// <summary>Runs the action for a well-formed license id; anything else is an unknown license, without a storage call.</summary>
    public static Task<IActionResult> IfWellFormed(string licenseId, Func<Task<IActionResult>> action) =>
        Pattern().IsMatch(licenseId)
            ? action()
            : Task.FromResult(Problems.Reason(404, Reasons.LicenseNotFound, "No license with this id."));

    [GeneratedRegex("^lic_[a-z2-7]{26}$")]
    private static partial Regex Pattern();
}
