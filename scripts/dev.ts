/**
 * `npm run dev`: a real n8n with this package loaded from the working tree
 * (rebuilt and reloaded on change), the Zoho sandbox with seeded users, and
 * ready credentials for it. Try every operation in the editor, no Zoho account.
 */
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

import { ZohoSandbox } from '../sandbox/server';
import {
	N8N_BIN,
	N8N_DIR,
	ROOT,
	ensureN8n,
	ensureNode24,
	n8nEnvironment,
	sh,
	step,
} from '../harness/installedN8n';
import { oauth2Credentials, selfClientCredentials } from '../harness/credentials';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8787);
const OWNER = { email: 'dev@example.com', password: 'Zoho-dev-1' };
const USER_FOLDER = join(ROOT, '.n8n-dev');

async function main(): Promise<void> {
	await ensureNode24();
	await ensureN8n();
	step('Building the package');
	await sh('npm', ['run', 'build']);

	const sandbox = await ZohoSandbox.start({ port: SANDBOX_PORT, users: 25 });
	// n8n's own password hashing library, from the n8n install: not a dependency of this package.
	const bcrypt = (await import(join(N8N_DIR, 'node_modules/bcryptjs'))) as {
		hashSync: (text: string, rounds: number) => string;
	};
	mkdirSync(USER_FOLDER, { recursive: true });
	const env = {
		...(await n8nEnvironment(USER_FOLDER)),
		N8N_PORT: String(N8N_PORT),
		N8N_CUSTOM_EXTENSIONS: join(ROOT, 'dist'),
		N8N_DEV_RELOAD: 'true',
		N8N_SECURE_COOKIE: 'false',
		// The owner account comes from here, so the editor opens on a login page, not a setup form.
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
	};

	step('Adding credentials for the sandbox');
	const credentials = [
		{
			id: 'devSelfClient',
			name: 'Zoho sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(sandbox),
		},
		{
			id: 'devOAuth2',
			name: 'Zoho sandbox (OAuth2: click Connect)',
			type: 'zohoInvoiceOAuth2Api',
			data: oauth2Credentials(sandbox),
		},
	];
	const credentialsFile = join(USER_FOLDER, 'sandbox-credentials.json');
	writeFileSync(credentialsFile, JSON.stringify(credentials));
	await sh(N8N_BIN, ['import:credentials', `--input=${credentialsFile}`], { env });

	const children: ChildProcess[] = [];
	const stop = () => {
		for (const child of children) child.kill('SIGTERM');
		void sandbox.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	// Rebuilds dist/ on change; n8n's dev reload picks the new files up.
	children.push(
		spawn('npx', ['tsc', '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
			cwd: ROOT,
			stdio: 'ignore',
		}),
	);
	const n8n = spawn(N8N_BIN, ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	children.push(n8n);
	n8n.stderr?.pipe(process.stderr);
	n8n.on('exit', (code) => {
		console.error(`n8n stopped (exit ${code})`);
		stop();
	});
	n8n.stdout?.on('data', (chunk: Buffer) => {
		process.stdout.write(chunk);
		if (chunk.toString().includes('Editor is now accessible')) {
			console.log(`
n8n with n8n-nodes-zoho-invoice from this working tree: http://localhost:${N8N_PORT}
  Log in as ${OWNER.email} / ${OWNER.password}
  Add the "Zoho Invoice" node; pick the credential "Zoho sandbox (Self Client)",
  or open "Zoho sandbox (OAuth2: click Connect)" and click Connect.
Zoho Invoice sandbox: ${sandbox.url} (${sandbox.listUsers().length} users, organization ${sandbox.organizationId})
Press Ctrl+C to stop everything.`);
		}
	});
}

main().catch((error: Error) => {
	console.error(`\n✗ ${error.message}`);
	process.exit(1);
});
