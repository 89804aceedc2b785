/** `npm run sandbox`: the Zoho Invoice sandbox on a fixed port, for trying the node by hand. */
import { ZohoSandbox } from '../sandbox/server';
import { selfClientCredentials } from '../harness/credentials';

async function main() {
	const port = Number(process.env.SANDBOX_PORT ?? 8787);
	const sandbox = await ZohoSandbox.start({ port, users: Number(process.env.SANDBOX_USERS ?? 5) });
	const credentials = selfClientCredentials(sandbox);
	console.log(`Zoho Invoice sandbox listening on ${sandbox.url}

A "Zoho Invoice Self Client API" credential for it:
  Region:          Custom (Proxy or Local Server)
  API URL:         ${credentials.customApiUrl}
  Accounts URL:    ${credentials.customAccountsUrl}
  Organization ID: ${credentials.organizationId}
  Client ID:       ${credentials.clientId}
  Client Secret:   ${credentials.clientSecret}
  Refresh Token:   ${credentials.refreshToken}

OAuth2 client for the "Zoho Invoice OAuth2 API" credential:
  Client ID:       ${sandbox.oauthClient.clientId}
  Client Secret:   ${sandbox.oauthClient.clientSecret}

Press Ctrl+C to stop.`);
	const stop = () => void sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
