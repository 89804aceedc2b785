import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { userDescription } from './resources/user';
import { runRequest } from './shared/request';
import { searchUsers } from './shared/userLocator';
import { ORGANIZATION_HEADER, apiBaseUrlExpression } from './shared/zoho';

export class ZohoInvoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho Invoice',
		name: 'zohoInvoice',
		icon: { light: 'file:zohoInvoice.svg', dark: 'file:zohoInvoice.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create, find, update, invite, activate, deactivate and delete Zoho Invoice users',
		defaults: { name: 'Zoho Invoice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'zohoInvoiceOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'zohoInvoiceApi',
				required: true,
				displayOptions: { show: { authentication: ['selfClient'] } },
			},
		],
		requestDefaults: {
			baseURL: apiBaseUrlExpression(),
			headers: {
				Accept: 'application/json',
				// n8n ignores an OAuth2 credential's `authenticate`, so the organization header is sent from here.
				[ORGANIZATION_HEADER]: '={{ $credentials.organizationId }}',
			},
			json: true,
		},
		requestOperations: { pagination: runRequest },
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'OAuth2', value: 'oAuth2', description: 'Connect with a Zoho API client in the browser' },
					{
						name: 'Self Client',
						value: 'selfClient',
						description: 'A client ID, secret and refresh token from a Zoho Self Client',
					},
				],
				default: 'oAuth2',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'User', value: 'user' }],
				default: 'user',
			},
			...userDescription,
		],
	};

	methods = { listSearch: { searchUsers } };
}
