/**
 * `npm run demo`: an onboarding/offboarding scenario run through n8n's own
 * engine (n8n-core), exactly as n8n runs the node in a workflow.
 *
 * With no settings it runs against the local Zoho sandbox. With ZOHO_* settings
 * (see the README) it runs against a real Zoho organization: read-only, unless
 * ZOHO_DEMO_WRITE=1 and ZOHO_DEMO_EMAIL name a person to add, change and deactivate.
 */
// First: keeps n8n-core's key file in a temporary folder, not in ~/.n8n.
import '../harness/setup';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode } from '../harness/engine';
import { ZohoSandbox } from '../sandbox/server';
import { CredentialStore, selfClientCredentials } from '../harness/credentials';

interface Step {
	title: string;
	parameters: INodeParameters;
}

const byEmail = (email: string) => ({ __rl: true, mode: 'email', value: email });

function onboardingSteps(email: string): Step[] {
	return [
		{
			title: 'List the users',
			parameters: { resource: 'user', operation: 'getAll', returnAll: true },
		},
		{
			title: `Create ${email} as Staff`,
			parameters: {
				resource: 'user',
				operation: 'create',
				name: 'Ada Lovelace',
				email,
				additionalFields: { userRole: 'staff' },
			},
		},
		{
			title: 'Find them by email',
			parameters: { resource: 'user', operation: 'get', userId: byEmail(email) },
		},
		{
			title: 'Change only their role, to Admin',
			parameters: {
				resource: 'user',
				operation: 'update',
				userId: byEmail(email),
				updateFields: { userRole: 'admin' },
			},
		},
		{
			title: 'Offboard: mark them inactive',
			parameters: { resource: 'user', operation: 'markInactive', userId: byEmail(email) },
		},
	];
}

const readOnlySteps: Step[] = [
	{ title: 'Who am I', parameters: { resource: 'user', operation: 'getCurrent' } },
	{
		title: 'List the users',
		parameters: { resource: 'user', operation: 'getAll', returnAll: true },
	},
];

function show(output: INodeExecutionData[]): string {
	const shown = output.slice(0, 5).map((item) => JSON.stringify(item.json));
	if (output.length > 5) shown.push(`… and ${output.length - 5} more`);
	return shown.map((line) => `    ${line}`).join('\n');
}

async function runSteps(steps: Step[], credentials: CredentialStore): Promise<void> {
	for (const [index, step] of steps.entries()) {
		console.log(`\n${index + 1}. ${step.title}`);
		const output = await runNode({
			credentials,
			authentication: 'selfClient',
			parameters: step.parameters,
		});
		console.log(`  → ${output.length} item${output.length === 1 ? '' : 's'}`);
		console.log(show(output));
	}
}

function zohoFromEnvironment(): CredentialStore | undefined {
	const {
		ZOHO_REGION,
		ZOHO_ORGANIZATION_ID,
		ZOHO_CLIENT_ID,
		ZOHO_CLIENT_SECRET,
		ZOHO_REFRESH_TOKEN,
	} = process.env;
	if (!ZOHO_ORGANIZATION_ID && !ZOHO_CLIENT_ID && !ZOHO_REFRESH_TOKEN) return undefined;
	const missing = Object.entries({
		ZOHO_ORGANIZATION_ID,
		ZOHO_CLIENT_ID,
		ZOHO_CLIENT_SECRET,
		ZOHO_REFRESH_TOKEN,
	})
		.filter(([, value]) => !value)
		.map(([name]) => name);
	if (missing.length)
		throw new Error(`To run against Zoho, also set ${missing.join(', ')} (see the README).`);
	return new CredentialStore({
		zohoInvoiceApi: {
			region: ZOHO_REGION ?? 'com',
			organizationId: ZOHO_ORGANIZATION_ID!,
			clientId: ZOHO_CLIENT_ID!,
			clientSecret: ZOHO_CLIENT_SECRET!,
			refreshToken: ZOHO_REFRESH_TOKEN!,
			accessToken: '',
		},
	});
}

async function main(): Promise<void> {
	const zoho = zohoFromEnvironment();
	if (zoho) {
		const write = process.env.ZOHO_DEMO_WRITE === '1';
		const email = process.env.ZOHO_DEMO_EMAIL;
		if (write && !email)
			throw new Error('ZOHO_DEMO_WRITE=1 needs ZOHO_DEMO_EMAIL: the address of the person to add.');
		console.log(
			`Running against Zoho (region ${process.env.ZOHO_REGION ?? 'com'}), ${write ? 'WRITING' : 'read-only'}.`,
		);
		await runSteps(write ? onboardingSteps(email!) : readOnlySteps, zoho);
		return;
	}

	const sandbox = await ZohoSandbox.start({ users: 5 });
	try {
		console.log(
			`No Zoho settings given: running against the local Zoho Invoice sandbox at ${sandbox.url}.`,
		);
		const credentials = new CredentialStore({ zohoInvoiceApi: selfClientCredentials(sandbox) });
		await runSteps(onboardingSteps('ada@example.com'), credentials);
		const requests = sandbox.apiRequests().map((request) => `${request.method} ${request.path}`);
		console.log(
			`\nZoho received ${requests.length} API requests and ${sandbox.tokenRequests().length} token request:`,
		);
		console.log(requests.map((line) => `    ${line}`).join('\n'));
	} finally {
		await sandbox.stop();
	}
}

main().then(
	() => process.exit(0),
	(error: Error & { description?: string }) => {
		console.error(`\nFailed: ${error.message}${error.description ? `\n${error.description}` : ''}`);
		process.exit(1);
	},
);
