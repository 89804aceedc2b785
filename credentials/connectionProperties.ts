import type { INodeProperties } from 'n8n-workflow';

import { CUSTOM_REGION, ZOHO_REGIONS } from '../nodes/ZohoInvoice/shared/zoho';

/** Region and organization: the same on both credentials, read by the node's request defaults. */
export const connectionProperties: INodeProperties[] = [
	{
		displayName: 'Region (Data Centre)',
		name: 'region',
		type: 'options',
		options: [
			...ZOHO_REGIONS.map(({ name, value }) => ({ name, value })),
			{ name: 'Custom (Proxy or Local Server)', value: CUSTOM_REGION },
		],
		default: 'com',
		description:
			'The Zoho data centre your account lives in: the domain you see when signed in to Zoho Invoice (e.g. invoice.zoho.eu is Europe)',
	},
	{
		displayName: 'API URL',
		name: 'customApiUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://zoho-proxy.example.com/invoice/v3',
		description: 'Base URL of the Zoho Invoice API, ending in /invoice/v3',
		displayOptions: { show: { region: [CUSTOM_REGION] } },
	},
	{
		displayName: 'Accounts URL',
		name: 'customAccountsUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://accounts.example.com',
		description: 'Base URL of the Zoho accounts (OAuth) server, without /oauth/v2',
		displayOptions: { show: { region: [CUSTOM_REGION] } },
	},
	{
		displayName: 'Organization ID',
		name: 'organizationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '10234695',
		hint: 'In Zoho Invoice: Settings → Organization Profile, or the organization menu under your name',
		description: 'The organization whose users this credential manages',
	},
	{
		displayName: 'Zoho Plan',
		name: 'plan',
		type: 'options',
		options: [
			{ name: 'Paid Plan (10 Simultaneous API Calls)', value: 'paid' },
			{ name: 'Free Plan (5 Simultaneous API Calls)', value: 'free' },
		],
		default: 'paid',
		description:
			"The organization's Zoho Invoice plan. Zoho limits how many API calls an organization may have in progress at once by plan; the node keeps within it.",
	},
];

/** What n8n's Test button shows when Zoho refuses the test request. */
export const TEST_MESSAGES = {
	unauthorized:
		'Zoho did not accept the access token: check that the Region is the data centre of your Zoho account and that the token has the ZohoInvoice.settings scopes',
	forbidden:
		'Zoho refused this organization: check the Organization ID (Zoho Invoice → Settings → Organization Profile) and that your Zoho user belongs to it',
};
