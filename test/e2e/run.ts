/**
 * `npm run test:e2e` (headless part): a real n8n 2.x, installed once into a
 * cache outside the repository, gets this package from the tarball `npm pack`
 * makes, as a community package; the workflows in test/e2e/workflows/ are
 * imported with their credentials and run with `n8n execute` against the
 * sandbox, and their outputs and the sandbox's log are checked.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import { join } from 'path';
import { isDeepStrictEqual } from 'util';

import { ZohoSandbox } from '../sandbox/server';
import { SCREENSHOTS, ownerEnvironment, runEditorChecks, startN8nServer } from './editor';
import { N8N_BIN, ensureN8n, ensureNode24, n8nEnvironment, sh, step } from './n8n';
import { oauth2Credentials, selfClientCredentials } from '../helpers/credentials';

/** The package as a user's n8n gets it: `npm pack`, installed into <user folder>/.n8n/nodes. */
async function installPackage(userFolder: string): Promise<void> {
	step('Building and packing this package');
	await sh('npm', ['run', 'build']);
	const packDirectory = join(userFolder, 'pack');
	mkdirSync(packDirectory);
	await sh('npm', ['pack', '--pack-destination', packDirectory]);
	const [tarball] = readdirSync(packDirectory).filter((file) => file.endsWith('.tgz'));
	const nodesDirectory = join(userFolder, '.n8n/nodes');
	mkdirSync(nodesDirectory, { recursive: true });
	writeFileSync(join(nodesDirectory, 'package.json'), '{"name":"installed-nodes","private":true}');
	await sh(
		'npm',
		['install', '--legacy-peer-deps', '--ignore-scripts', join(packDirectory, tarball)],
		{ cwd: nodesDirectory },
	);
}

interface RunData {
	data: {
		resultData: {
			error?: { message: string };
			runData: Record<
				string,
				Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; error?: unknown }>> } }>
			>;
		};
	};
	status: string;
}

/** Everything n8n printed (the runs and the server), to search for secrets at the end. */
const printed: string[] = [];

async function executeWorkflow(env: NodeJS.ProcessEnv, id: string): Promise<RunData> {
	const { stdout, stderr } = await sh(N8N_BIN, ['execute', `--id=${id}`, '--rawOutput'], {
		env,
		timeoutMs: 120_000,
	});
	printed.push(stdout, stderr);
	const start = stdout.indexOf('\n{');
	if (start < 0) throw new Error(`n8n printed no run data for ${id}:\n${stdout.slice(-2000)}`);
	return JSON.parse(stdout.slice(start)) as RunData;
}

function outputOf(runData: RunData, node: string) {
	return runData.data.resultData.runData[node]?.at(-1)?.data?.main?.[0] ?? [];
}

function check(condition: boolean, message: string): void {
	if (!condition) throw new Error(`Check failed: ${message}`);
	console.log(`  ✓ ${message}`);
}

async function main(): Promise<void> {
	await ensureNode24();
	await ensureN8n();
	const userFolder = mkdtempSync(join(os.tmpdir(), 'n8n-zoho-e2e-'));
	const sandbox = await ZohoSandbox.start({ users: 450 });
	try {
		await installPackage(userFolder);

		step('Importing credentials and workflows');
		const oauthRefreshToken = sandbox.grantRefreshToken(sandbox.oauthClient.clientId, [
			'ZohoInvoice.settings.ALL',
		]);
		const credentials = [
			{
				id: 'e2eSelfClient',
				name: 'Zoho sandbox (Self Client)',
				type: 'zohoInvoiceApi',
				data: selfClientCredentials(sandbox),
			},
			{
				id: 'e2eOAuth2',
				name: 'Zoho sandbox (OAuth2)',
				type: 'zohoInvoiceOAuth2Api',
				data: oauth2Credentials(sandbox, {
					access_token: sandbox.issueAccessToken(),
					refresh_token: oauthRefreshToken,
					token_type: 'Bearer',
				}),
			},
			{
				id: 'e2eOAuth2Connect',
				name: 'Zoho sandbox (OAuth2, to connect)',
				type: 'zohoInvoiceOAuth2Api',
				data: oauth2Credentials(sandbox),
			},
		];
		const credentialsFile = join(userFolder, 'credentials.json');
		writeFileSync(credentialsFile, JSON.stringify(credentials));
		const env = { ...(await n8nEnvironment(userFolder)), ...(await ownerEnvironment()) };
		await sh(N8N_BIN, ['import:credentials', `--input=${credentialsFile}`], { env });
		await sh(
			N8N_BIN,
			['import:workflow', '--separate', `--input=${join(__dirname, 'workflows')}`],
			{ env },
		);

		step('Get Many, Return All over 450 users (Self Client)');
		sandbox.clearLog();
		const list = await executeWorkflow(env, 'e2eListAllPages');
		check(list.status === 'success', 'the run succeeded');
		check(outputOf(list, 'Zoho Invoice').length === 450, '450 users out, one item each');
		check(sandbox.apiRequests().length === 3, 'three requests of 200 (Zoho saw 3)');
		check(sandbox.tokenRequests().length === 1, 'one token refresh');

		step('Onboarding and offboarding by email (OAuth2)');
		sandbox.clearLog();
		const onboarding = await executeWorkflow(env, 'e2eOnboarding');
		check(
			onboarding.status === 'success',
			`the run succeeded${onboarding.data.resultData.error ? `: ${onboarding.data.resultData.error.message}` : ''}`,
		);
		const created = sandbox.listUsers().find((user) => user.email === 'grace@example.com');
		check(
			created !== undefined && created.status === 'deleted',
			'Grace was created, and deleted at the end',
		);
		check(created?.user_role === 'admin', 'the role-only update made her admin');
		check(
			outputOf(onboarding, 'Find By Email')[0]?.json.user_id === created?.user_id,
			'found by email',
		);
		const update = sandbox.apiRequests().find((request) => request.method === 'PUT');
		check(
			isDeepStrictEqual(update?.json, {
				name: 'Grace Hopper',
				email: 'grace@example.com',
				user_role: 'admin',
			}),
			'the update kept her name and email',
		);
		check(
			sandbox
				.apiRequests()
				.every((request) => String(request.headers.authorization).startsWith('Bearer ')),
			'OAuth2 signed every request with Bearer',
		);
		check(
			sandbox
				.apiRequests()
				.every(
					(request) =>
						request.headers['x-com-zoho-invoice-organizationid'] === sandbox.organizationId,
				),
			'every request named the organization',
		);

		step('Get Current User, then Continue On Fail (Self Client)');
		sandbox.clearLog();
		const continued = await executeWorkflow(env, 'e2eContinueOnFail');
		const items = outputOf(continued, 'Get Each');
		check(continued.status === 'success', 'the run succeeded');
		check(items.length === 3, 'three items out of three');
		check(
			items[1]?.json.error === 'User does not exist.',
			'the missing user failed alone, its error in $json.error',
		);
		check(
			items[0]?.json.user_id === '982000000554041' && items[2]?.json.user_id === '982000000554042',
			'the others went on',
		);

		const server = await startN8nServer(env, printed);
		try {
			await runEditorChecks(server.url, sandbox, check);
		} finally {
			await server.stop();
		}

		step('No secret in anything n8n printed');
		const secrets = [
			sandbox.selfClient.clientSecret,
			sandbox.selfClient.refreshToken,
			sandbox.oauthClient.clientSecret,
			oauthRefreshToken,
		];
		const tokens = sandbox
			.apiRequests()
			.map((request) => String(request.headers.authorization).split(' ')[1]);
		// The server's output comes in chunks: search it whole, so a secret split between two is found.
		const allPrinted = printed.join('');
		check(
			[...secrets, ...tokens].every((secret) => !allPrinted.includes(secret)),
			'no client secret, refresh token or access token',
		);
		console.log(`\nEnd-to-end: all checks passed. Screenshots in ${SCREENSHOTS}`);
	} finally {
		await sandbox.stop();
		rmSync(userFolder, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`\n✗ ${error.message}`);
		process.exit(1);
	},
);
