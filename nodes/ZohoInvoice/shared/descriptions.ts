import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { enterRunPreSend, withPreSendsWithinRun } from './runScope';
import { noteRoutedAnswerHeaders } from './transport';

/** Sends the operation's routed request (with changes, if given) within the rate limits; resolves with Zoho's answer. */
export type SendRoutedRequest = (changes?: Partial<IHttpRequestOptions>) => Promise<unknown>;

/** The same, for operations that decide their requests: resolves with Zoho's success envelope, or throws. */
export type SendForSuccess = (
	changes?: Partial<IHttpRequestOptions>,
) => Promise<Record<string, unknown>>;

/** What Zoho answers an operation with, and so what the node outputs. */
export type OperationOutput =
	/** One record under this key of Zoho's envelope (Get: `user`). */
	| { record: string }
	/** Records under this key, paged by the pipeline up to Return All / Limit (Get Many: `users`). */
	| { list: string }
	/** Zoho's message about an action, with what it acted on (Delete: `{ user_id }`). */
	| {
			message: (
				context: IExecuteSingleFunctions,
				answer: Record<string, unknown>,
			) => Promise<IDataObject>;
	  }
	/** The operation decides its requests itself, maybe none (Create or Update). */
	| {
			run: (
				context: IExecutePaginationFunctions,
				request: RoutedRequest,
				send: SendForSuccess,
			) => Promise<IDataObject[]>;
	  };

export type RoutedRequest = DeclarativeRestApiSettings.ResultOptions;

/** One operation: its entry in the Operation selector (with its routing), its fields, its output, and its scopes. */
export interface ZohoOperation {
	option: INodePropertyOptions;
	fields: INodeProperties[];
	output: OperationOutput;
	/** The OAuth scopes its requests need (shared/zoho.ts): named when Zoho refuses the token for lacking one. */
	scopes: readonly string[];
}

/** One resource: a folder under resources/ exporting this, and one line in the node file. */
export interface ZohoResource {
	name: string;
	value: string;
	/** Zoho's key for one record in its answers, also the word for it in messages ("user"). */
	record: string;
	operations: ZohoOperation[];
	/** What the Operation selector starts on; saved workflows that never changed it depend on it. */
	defaultOperation: ZohoOperation;
}

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
 * Its postReceive reads each answer's rate-limit headers (transport.ts). It is
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
