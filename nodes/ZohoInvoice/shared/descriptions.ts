import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import type { ZohoResource } from './operation';

import { enterRunPreSend, withPreSendsWithinRun } from './runScope';
import { noteRoutedAnswerHeaders } from './pipeline';

/** Shows a field only for its resource and the operations that use it, so operation files need not say. */
function onlyFor(field: INodeProperties, resource: string, operations: string[]): INodeProperties {
	const show = field.displayOptions?.show ?? {};
	return {
		...field,
		displayOptions: {
			...field.displayOptions,
			show: { ...show, resource: [resource], operation: operations },
		},
	};
}

/**
 * A resource's Operation selector and its operations' fields. A field several
 * operations share (the User field) becomes one parameter shown for all of
 * them: n8n evaluates every parameter of a node for every item, so fewer
 * parameters make every run cheaper. Every preSend takes part in the item's
 * run (shared/runScope.ts): skipped once the run has stopped, and stopping it
 * when it fails.
 */
export function resourceProperties(resource: ZohoResource): INodeProperties[] {
	const defaultOperation = String(resource.defaultOperation.option.value);
	const operationsOf = new Map<INodeProperties, string[]>();
	for (const operation of resource.operations) {
		for (const field of operation.fields) {
			operationsOf.set(field, [...(operationsOf.get(field) ?? []), String(operation.option.value)]);
		}
	}
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: resource.operations.map((operation) => withPreSendsWithinRun(operation.option)),
			default: defaultOperation,
		},
		...[...operationsOf].map(([field, operations]) =>
			withPreSendsWithinRun(onlyFor(field, resource.value, operations)),
		),
	];
}

/**
 * The Resource selector. Its `paginate` sends every routed request of every
 * resource through the node's `requestOperations.pagination`, the pipeline
 * (shared/pipeline.ts): n8n's one hook around a routed request. Its preSend
 * is every item's first (n8n reads the parameters in order), called while n8n
 * prepares the item: the item enters its run (shared/runScope.ts).
 * Its postReceive reads each answer's rate-limit headers (pipeline.ts). It is
 * always shown, so no operation can miss either.
 */
export function resourceSelector(resources: ZohoResource[]): INodeProperties {
	const defaultResource = resources[0].value;
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map(({ name, value }) => ({ name, value })),
		default: defaultResource,
		routing: {
			send: { paginate: true, preSend: [enterRunPreSend] },
			output: { postReceive: [noteRoutedAnswerHeaders] },
		},
	};
}

/** Both nodes' icon: the files sit beside the node files. */
export const zohoIcon = {
	light: 'file:zohoInvoice.svg',
	dark: 'file:zohoInvoice.dark.svg',
} as const;

/** Both nodes take either credential, chosen by the Authentication parameter. */
export const zohoCredentials: INodeCredentialDescription[] = [
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
];

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'OAuth2',
			value: 'oAuth2',
			description: 'Connect with a Zoho API client in the browser',
		},
		{
			name: 'Self Client',
			value: 'selfClient',
			description: 'A client ID, secret and refresh token from a Zoho Self Client',
		},
	],
	default: 'oAuth2',
};

/**
 * n8n merges these into the Request Options it gives every declarative node
 * (Batching, Timeout, Proxy), where a user looks for how requests are sent.
 */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Wait Out Rate Limits',
			name: 'waitOutRateLimits',
			type: 'boolean',
			default: true,
			description:
				"Whether to keep within Zoho's limits (10 calls at a time, 5 on the Free plan; 100 a minute) by pacing the requests and waiting when Zoho answers 429, so big batches finish. Off, a 429 fails the item at once.",
		},
	],
};
