namespace Licensing.Http;

/// <summary>
/// Reads <c>meters: [{code, limit?, resetPeriod?, overage?}]</c> of an admin body, each wrong part an error of its own
/// field (<c>meters[1].resetPeriod</c>).
/// </summary>
public static class MeterReader
{
    public const string Field = "meters";

    public static IReadOnlyList<Meter>? Read(JsonFields fields)
    {
        if (fields.Element(Field) is not { } array)
        {
            return null;
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > Meter.MaxCount)
        {
            fields.AddError(Field, $"must be an array of at most {Meter.MaxCount} objects {{code, limit?, resetPeriod?, overage?}}.");
            return null;
        }

        var meters = new List<Meter>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{Field}[{index++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                fields.AddError(name, "must be an object {code, limit?, resetPeriod?, overage?}.");
                continue;
            }

            var entry = new JsonFields(item);
            var code = entry.Text("code", Entitlement.MaxCodeLength, required: true);
            if (code is not null && !Entitlement.IsCode(code))
            {
                entry.AddError("code", $"must be 1 to {Entitlement.MaxCodeLength} of a-z, 0-9, '.', '_' and '-'.");
            }

            var limit = entry.LongNumber("limit", 0, Meter.MaxLimit);
            var overage = entry.LongNumber("overage", 0, Meter.MaxLimit);
            var periodName = entry.Text("resetPeriod", 8);
            var period = periodName is null ? MeterPeriod.None : Meter.ParsePeriod(periodName);
            if (period is null)
            {
                entry.AddError("resetPeriod", "must be \"day\", \"week\", \"month\" or \"year\" (or left out: never reset).");
            }

            if (overage is > 0 && limit is null && !entry.HasErrors)
            {
                entry.AddError("overage", "needs a limit: an unlimited meter has no overage.");
            }

            entry.RefuseUnknown(["code", "limit", "resetPeriod", "overage"]);
            foreach (var (part, messages) in entry.Errors)
            {
                foreach (var message in messages)
                {
                    fields.AddError($"{name}.{part}", message);
                }
            }

            if (entry.HasErrors)
            {
                continue;
            }

            if (meters.Exists(m => m.Code == code))
            {
                fields.AddError($"{name}.code", $"'{code}' appears more than once.");
                continue;
            }

            meters.Add(new Meter(code!, limit, period!.Value, overage ?? 0));
        }

        return fields.Errors.Any(e => e.Field.StartsWith(Field, StringComparison.Ordinal)) ? null : meters;
    }
}
