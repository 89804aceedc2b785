import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ZohoInvoice } from '../../../nodes/ZohoInvoice/ZohoInvoice.node';

const { description } = new ZohoInvoice();
const nodeDirectory = join(__dirname, '../../../nodes/ZohoInvoice');

function property(name: string): INodeProperties {
	const found = description.properties.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`no property ${name}`);
	return found;
}

/** Saved workflows depend on these names and values: they are the node's public interface. */
describe('Zoho Invoice node description', () => {
	test('is a declarative, versioned node usable as an AI tool', () => {
		expect(description).toMatchObject({
			name: 'zohoInvoice',
			displayName: 'Zoho Invoice',
			version: 1,
			usableAsTool: true,
		});
		expect(new ZohoInvoice()).not.toHaveProperty('execute');
		expect(description.requestDefaults?.baseURL).toBeDefined();
	});

	test('offers the eleven Users operations with their values, names and actions', () => {
		const operations = (property('operation').options as INodePropertyOptions[]).map(
			({ value, name, action }) => [value, name, action],
		);
		expect(operations.sort()).toEqual(
			[
				['create', 'Create', 'Create a user'],
				['upsert', 'Create or Update', 'Create or update a user'],
				['getAll', 'Get Many', 'Get many users'],
				['get', 'Get', 'Get a user'],
				['update', 'Update', 'Update a user'],
				['delete', 'Delete', 'Delete a user'],
				['getCurrent', 'Get Current User', 'Get the current user'],
				['invite', 'Invite', 'Invite a user'],
				['markActive', 'Mark Active', 'Mark a user as active'],
				['markInactive', 'Mark Inactive', 'Mark a user as inactive'],
				['sync', 'Sync', 'Sync users with a list'],
			].sort(),
		);
	});

	test('picks the credential with the authentication parameter, OAuth2 by default', () => {
		expect(property('authentication').default).toBe('oAuth2');
		expect(description.credentials).toEqual([
			expect.objectContaining({
				name: 'zohoInvoiceOAuth2Api',
				displayOptions: { show: { authentication: ['oAuth2'] } },
			}),
			expect.objectContaining({
				name: 'zohoInvoiceApi',
				displayOptions: { show: { authentication: ['selfClient'] } },
			}),
		]);
	});

	test('names its parameters as saved workflows expect', () => {
		const names = new Set(description.properties.map((candidate) => candidate.name));
		for (const name of [
			'resource',
			'operation',
			'userId',
			'name',
			'email',
			'additionalFields',
			'updateFields',
			'returnAll',
			'limit',
			'filters',
			'options',
		]) {
			expect(names).toContain(name);
		}
		const userId = property('userId');
		expect(userId.type).toBe('resourceLocator');
		expect(userId.modes?.map((mode) => mode.name)).toEqual(['list', 'id', 'email']);
		expect(property('limit').default).toBe(50);
		const roles = (property('additionalFields').options as INodeProperties[])[0];
		expect(roles.name).toBe('userRole');
		expect((roles.options as INodePropertyOptions[]).map((option) => option.value)).toEqual([
			'admin',
			'staff',
			'timesheetstaff',
		]);
	});

	test('has light and dark icons and a codex file in the Finance & Accounting category', () => {
		const icon = description.icon as { light: string; dark: string };
		for (const file of [icon.light, icon.dark])
			expect(existsSync(join(nodeDirectory, file.replace('file:', '')))).toBe(true);
		const codex = JSON.parse(readFileSync(join(nodeDirectory, 'ZohoInvoice.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-zoho-invoice.zohoInvoice');
		expect(codex.categories).toEqual(['Finance & Accounting']);
		expect(codex.resources.primaryDocumentation[0].url).toMatch(
			/zoho\.com\/invoice\/api\/v3\/users/,
		);
	});
});
