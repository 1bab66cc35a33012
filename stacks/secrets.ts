import { OFF, PLATFORM_SECRETS, SECRET_ENV, type SecretName } from "../core/deployment.js";

/**
 * The platform credentials, as SST secrets (encrypted in the stage's state, decrypted by the
 * functions at start-up). Each starts as "off": a platform whose secrets are never set is off,
 * so an admin who only runs a Discord server never sets the Slack ones.
 *
 *   npx sst secret set SlackSigningSecret <value> --stage prod
 *   npx sst secret remove SlackSigningSecret --stage prod   # back to "off"
 *
 * A platform with some but not all of its secrets set stops the deploy with the names of the
 * missing ones (the functions would refuse to start anyway; core/settings.ts checks the same).
 */
export function createSecrets() {
  const secrets = Object.fromEntries(
    (Object.keys(SECRET_ENV) as SecretName[]).map((name) => [name, new sst.Secret(name, OFF)]),
  ) as Record<SecretName, sst.Secret>;

  for (const [platform, names] of Object.entries(PLATFORM_SECRETS)) {
    $resolve(names.map((name) => secrets[name].value)).apply((values) => {
      const isSet = (value: string) => value.trim() !== "" && value !== OFF;
      const missing = names.filter((_, i) => !isSet(values[i] ?? ""));
      if (missing.length > 0 && missing.length < names.length) {
        throw new Error(
          `${platform} is half configured: set ${missing.map((n) => `the secret ${n}`).join(", ")} ` +
            `(npx sst secret set <Name> <value> --stage ${$app.stage}), ` +
            `or remove the others to turn ${platform} off`,
        );
      }
      if (missing.length === names.length) {
        console.warn(
          `${platform} is off on stage ${$app.stage}: its secrets are not set (${names.join(", ")})`,
        );
      }
    });
  }
  return secrets;
}

export type Secrets = ReturnType<typeof createSecrets>;
