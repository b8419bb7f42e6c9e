namespace Licensing.Domain;

public enum LicensingMode
{
    File = 0,
    Activation = 1,
    Floating = 2,
}
