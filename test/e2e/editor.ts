/**
 * The editor half of the end-to-end run: a person's path through n8n's editor,
 * in Debian's Chromium driven by playwright-core (no browser download).
 */
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { existsSync, mkdirSync } from 'fs';
import { join } from 'path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';

import type { ZohoSandbox } from '../../sandbox/server';
import { N8N_BIN, N8N_DIR, ROOT, sh, step } from '../../harness/installedN8n';

const CHROMIUM = '/usr/bin/chromium';
export const OWNER = { email: 'e2e@example.com', password: 'Zoho-e2e-1' };
export const SCREENSHOTS = join(ROOT, 'e2e-artifacts');

/** Debian's chromium package; installed when missing (the machines here run as root). */
export async function ensureChromium(): Promise<void> {
	if (existsSync(CHROMIUM)) return;
	step("Installing Debian's chromium package");
	await sh('apt-get', ['update'], { timeoutMs: 10 * 60_000 });
	await sh('apt-get', ['install', '-y', 'chromium'], { timeoutMs: 10 * 60_000 });
}

/** n8n answers /healthz before the editor is served: wait for the sign-in page itself. */
async function waitForEditor(url: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const healthy = await fetch(`${url}/signin`).then(
			(response) => response.ok,
			() => false,
		);
		if (healthy) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n did not come up at ${url} within ${timeoutMs / 1000} s`);
}

/** A running `n8n start`: its address, and a stop that waits for it (and its task runner) to end. */
export interface N8nServer {
	url: string;
	stop: () => Promise<void>;
}

/**
 * `n8n start` in its own process group, its output kept in `output` (searched
 * for secrets at the end), ready when the sign-in page is served.
 */
export async function startN8nServer(env: NodeJS.ProcessEnv, output: string[]): Promise<N8nServer> {
	const n8n: ChildProcess = spawn(N8N_BIN, ['start'], {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	n8n.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
	n8n.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
	const exited = new Promise<void>((resolve) => n8n.once('exit', () => resolve()));
	const group = (signal: NodeJS.Signals) => {
		try {
			process.kill(-n8n.pid!, signal);
		} catch {
			// Already gone.
		}
	};
	const stop = async () => {
		if (n8n.exitCode === null && n8n.signalCode === null) {
			group('SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
		}
		// n8n's task runner is in its process group: nothing of this n8n outlives the run.
		group('SIGKILL');
	};
	const url = `http://localhost:${env.N8N_PORT}`;
	try {
		await Promise.race([
			waitForEditor(url, 120_000),
			exited.then(() => {
				throw new Error(
					`n8n start ended before it served the editor:\n${output.join('').slice(-3000)}`,
				);
			}),
		]);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, stop };
}

async function searchZohoInvoice(page: Page): Promise<void> {
	await page.locator('[data-test-id="node-creator-plus-button"]').click();
	await page
		.locator('[data-test-id="node-creator-search-bar"] input, input[placeholder*="Search"]')
		.first()
		.fill('Zoho Invoice');
	await page.getByText('Zoho Invoice', { exact: true }).last().click();
}

/**
 * The package has a trigger too, so n8n shows one "Zoho Invoice" entry with a
 * Triggers and an Actions section; on an empty canvas the actions start folded.
 */
async function showActions(page: Page): Promise<void> {
	const creator = page.locator('[data-test-id="node-creator"]');
	const header = creator.getByText(/^Actions \(\d+\)$/);
	await header.waitFor();
	if (await creator.getByText('Get a user', { exact: true }).isVisible()) return;
	await header.click();
	await creator.getByText('Get a user', { exact: true }).waitFor();
}

async function addZohoNode(page: Page, action: string): Promise<void> {
	await searchZohoInvoice(page);
	await showActions(page);
	await page.getByText(action, { exact: true }).click();
}

/** The owner account, from the environment: n8n opens on its login page, not a setup form. */
export async function ownerEnvironment(): Promise<NodeJS.ProcessEnv> {
	// n8n's own password hashing library, from the n8n install: not a dependency of this package.
	const bcrypt = (await import(join(N8N_DIR, 'node_modules/bcryptjs'))) as {
		hashSync: (text: string, rounds: number) => string;
	};
	return {
		N8N_SECURE_COOKIE: 'false',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
	};
}

export async function runEditorChecks(
	url: string,
	sandbox: ZohoSandbox,
	check: (condition: boolean, message: string) => void,
): Promise<void> {
	await ensureChromium();
	mkdirSync(SCREENSHOTS, { recursive: true });
	step('The editor, in headless Chromium');
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	// A busy machine (2 cores, several n8n at once) makes n8n's first load of the editor slow:
	// generous waits cost nothing when all is well.
	page.setDefaultTimeout(45_000);
	page.setDefaultNavigationTimeout(90_000);
	try {
		await page.goto(`${url}/signin`);
		await page.fill('input[type=email]', OWNER.email);
		await page.fill('input[type=password]', OWNER.password);
		await page.keyboard.press('Enter');
		await page.waitForURL(/home|workflows/);
		check(true, 'signed in as the owner');

		await page.goto(`${url}/workflow/new`);
		await searchZohoInvoice(page);
		const creator = page.locator('[data-test-id="node-creator"]');
		await creator.getByText(/^Triggers \(\d+\)$/).waitFor();
		const triggers = await creator.innerText();
		await page.screenshot({ path: join(SCREENSHOTS, 'nodes-panel-trigger.png') });
		check(
			[
				'On user added',
				'On user activated',
				'On user deactivated',
				'On user role changed',
				'On user details changed',
				'On user deleted',
			].every((event) => triggers.includes(event)),
			'the nodes panel finds "Zoho Invoice" with its trigger: a Triggers section, one entry per event',
		);
		await showActions(page);
		const actions = await creator.innerText();
		await page.screenshot({ path: join(SCREENSHOTS, 'nodes-panel-actions.png') });
		const expected = [
			'Create a user',
			'Create or update a user',
			'Get many users',
			'Get a user',
			'Update a user',
			'Delete a user',
			'Get the current user',
			'Invite a user',
			'Mark a user as active',
			'Mark a user as inactive',
			'Sync users with a list',
		];
		check(
			expected.every((action) => actions.includes(action)),
			'and its eleven operations in the Actions section',
		);
		await page.keyboard.press('Escape');

		await page.goto(`${url}/workflow/new`);
		await addZohoNode(page, 'Get a user');
		await page.locator('[data-test-id="node-credentials-select"]').click();
		await page.locator('[data-test-id="node-credentials-select-item-e2eOAuth2Connect"]').click();
		await page.locator('[data-test-id="credential-edit-button"]').click();
		const popup = page.waitForEvent('popup');
		await page
			.getByRole('button', { name: /^connect/i })
			.first()
			.click();
		await (await popup).waitForEvent('close', { timeout: 60_000 });
		await page.locator('[data-test-id="oauth-connect-success-banner"]').waitFor();
		check(
			sandbox.log.some((request) => request.path === '/oauth/v2/auth'),
			"Connect went through the accounts server's consent page",
		);
		check(
			sandbox.tokenRequests().some((request) => request.form?.grant_type === 'authorization_code'),
			'n8n exchanged the code for tokens',
		);
		await page.screenshot({ path: join(SCREENSHOTS, 'oauth2-connected.png') });
		await page
			.locator(
				'[data-test-id="editCredential-modal"] .el-dialog__headerbtn, [data-test-id="editCredential-modal"] button[aria-label="Close this dialog"]',
			)
			.first()
			.click();

		await page.locator('[data-test-id="rlc-input"]').first().click();
		await page.getByText('User 00002 (user2@zylker.org)').click();
		await page.screenshot({ path: join(SCREENSHOTS, 'node-parameters.png') });
		await page.locator('[data-test-id="node-execute-button"]').click();
		// The success toast can come before the output panel has drawn the item: wait for the item itself.
		const outputPanel = page.locator('[data-test-id="output-panel"]');
		const shown = await outputPanel
			.getByText('982000000554043')
			.first()
			.waitFor({ timeout: 60_000 })
			.then(
				() => true,
				() => false,
			);
		await page.screenshot({ path: join(SCREENSHOTS, 'node-output.png') });
		check(
			shown && (await outputPanel.innerText()).includes('User 00002'),
			'the user picked from the list is in the output panel',
		);

		// n8n offers a usableAsTool node to the AI Agent as a "<type>Tool" variant of it.
		const types = await page.evaluate(async () =>
			((await (await fetch('/types/nodes.json')).json()) as Array<{ name: string }>).map(
				(type) => type.name,
			),
		);
		check(
			types.includes('n8n-nodes-zoho-invoice.zohoInvoiceTool'),
			"the node is offered as a tool to n8n's AI Agent",
		);
		check(
			types.includes('n8n-nodes-zoho-invoice.zohoInvoiceTrigger'),
			'the editor knows the trigger node type',
		);
	} catch (error) {
		await page.screenshot({ path: join(SCREENSHOTS, 'editor-failure.png') }).catch(() => undefined);
		throw error;
	} finally {
		await browser.close();
	}
}
