import type { SandboxOptions } from '../../sandbox/server';
import { ZohoSandbox } from '../../sandbox/server';
import type { CredentialStore } from '../../harness/credentials';
import { sandboxCredentials } from '../../harness/credentials';

export interface SandboxFixture {
	sandbox: ZohoSandbox;
	credentials: CredentialStore;
}

/** A fresh sandbox and stored credentials for it, for every test in the calling file. */
export function useSandbox(options: SandboxOptions = {}): SandboxFixture {
	const fixture = {} as SandboxFixture;
	beforeEach(async () => {
		fixture.sandbox = await ZohoSandbox.start(options);
		fixture.credentials = sandboxCredentials(fixture.sandbox);
	});
	afterEach(async () => {
		await fixture.sandbox.stop();
	});
	return fixture;
}
