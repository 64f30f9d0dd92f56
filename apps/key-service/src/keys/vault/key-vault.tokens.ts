/** The runtime's KeyVaultPgStore: the vault table in the topology's database. */
export const KEY_VAULT_STORE = Symbol('KEY_VAULT_STORE');
