using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Sipas.Data;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Hosting;

/// <summary>
/// ASP.NET Core's data-protection keys, which sign the web form's anti-forgery tokens and cookies, live in PostgreSQL:
/// every web instance shares them and they survive a restart, so a citizen who opened the form before a deploy, or
/// whose post lands on another instance, is not told the form is invalid. They are stored encrypted with the
/// personal-data key (<see cref="PersonalDataProtector"/>), never in clear.
/// </summary>
public static class DataProtectionKeys
{
    public const string ApplicationName = "Sipas";

    public static IServiceCollection AddSipasDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<SipasDbContext>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<PersonalDataProtector>((options, personalData) => options.XmlEncryptor = new PersonalDataXmlEncryptor(personalData));
        return services;
    }
}

/// <summary>Seals a data-protection key's XML with the personal-data key (AES-GCM) before it is stored.</summary>
public sealed class PersonalDataXmlEncryptor(PersonalDataProtector personalData) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(
        new XElement("sealedKey", Convert.ToBase64String(personalData.Encrypt(plaintextElement.ToString(SaveOptions.DisableFormatting)))),
        typeof(PersonalDataXmlDecryptor));
}

/// <summary>Opens what <see cref="PersonalDataXmlEncryptor"/> sealed; created by the data-protection system with the service provider.</summary>
public sealed class PersonalDataXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<PersonalDataProtector>().Decrypt(Convert.FromBase64String(encryptedElement.Value)));
}
