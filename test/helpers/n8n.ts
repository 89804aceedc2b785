/**
 * Runs the node the way n8n runs a declarative node: n8n-core's RoutingNode
 * with an ExecuteContext, its LoadOptionsContext for the user list, and the
 * credential test the way n8n's credentials tester does it. What this file
 * supplies is what n8n's CLI supplies in production: the credentials helper
 * (stored credentials, preAuthentication, generic authenticate).
 */
import { DirectoryLoader, ExecuteContext, ExecutionLifecycleHooks, LoadOptionsContext, RoutingNode, WorkflowExecute } from 'n8n-core';
import { Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsHelper,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { ZohoInvoiceApi } from '../../credentials/ZohoInvoiceApi.credentials';
import { ZohoInvoiceOAuth2Api } from '../../credentials/ZohoInvoiceOAuth2Api.credentials';
import { ZohoInvoice } from '../../nodes/ZohoInvoice/ZohoInvoice.node';
import type { ZohoSandbox } from '../sandbox/server';

/** Which n8n line this jest project runs against (see jest.config.js). */
export const N8N_LINE = (globalThis as { N8N_LINE?: number }).N8N_LINE ?? 2;

export const NODE_TYPE = 'n8n-nodes-zoho-invoice.zohoInvoice';

/** n8n's own parent type for OAuth2 credentials, reduced to what the engine reads. */
const oAuth2Api: ICredentialType = {
	name: 'oAuth2Api',
	displayName: 'OAuth2 API',
	properties: [],
};

const credentialTypes: Record<string, ICredentialType> = {
	zohoInvoiceApi: new ZohoInvoiceApi(),
	zohoInvoiceOAuth2Api: new ZohoInvoiceOAuth2Api(),
	oAuth2Api,
};

export type Authentication = 'oAuth2' | 'selfClient';

export const CREDENTIAL_TYPE: Record<Authentication, string> = {
	oAuth2: 'zohoInvoiceOAuth2Api',
	selfClient: 'zohoInvoiceApi',
};

/** The credentials n8n has stored, as its database would hold them, and what it writes back. */
export class CredentialStore {
	readonly updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	constructor(private readonly stored: Record<string, ICredentialDataDecryptedObject> = {}) {}

	set(type: string, data: ICredentialDataDecryptedObject): void {
		this.stored[type] = { ...data };
	}

	get(type: string): ICredentialDataDecryptedObject {
		const data = this.stored[type];
		if (!data) throw new Error(`No stored credential of type ${type}`);
		return structuredClone(data);
	}

	update(type: string, data: ICredentialDataDecryptedObject): void {
		this.stored[type] = structuredClone(data);
		this.updates.push({ type, data: structuredClone(data) });
	}
}

/** A connected OAuth2 credential for the sandbox, holding the given token data. */
export function sandboxOAuth2Credential(sandbox: ZohoSandbox, oauthTokenData: IDataObject): ICredentialDataDecryptedObject {
	return sandbox.oauth2Credentials(oauthTokenData as Record<string, string>) as ICredentialDataDecryptedObject;
}

/** Stored credentials for both types, pointing at the sandbox. */
export function sandboxCredentials(sandbox: ZohoSandbox): CredentialStore {
	const store = new CredentialStore();
	store.set('zohoInvoiceApi', sandbox.selfClientCredentials());
	store.set(
		'zohoInvoiceOAuth2Api',
		sandboxOAuth2Credential(sandbox, { access_token: sandbox.issueAccessToken(), token_type: 'Bearer' }),
	);
	return store;
}

const nodeType = new ZohoInvoice();
// n8n's loader adds the Request Options (batching, timeout, proxy) to every declarative node.
DirectoryLoader.applyDeclarativeNodeOptionParameters(nodeType);

function nodeTypesOf(type: INodeType): INodeTypes {
	return { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) } as unknown as INodeTypes;
}

function parentTypes(type: string): string[] {
	const parents = credentialTypes[type]?.extends ?? [];
	return parents.flatMap((parent) => [parent, ...parentTypes(parent)]);
}

/** Fill defaults and resolve the credential's own expressions (`$self`), as n8n's helper does. */
function withDefaults(workflow: Workflow, node: INode, type: string, data: ICredentialDataDecryptedObject) {
	const properties = credentialTypes[type].properties;
	const filled: ICredentialDataDecryptedObject = { ...data };
	for (const property of properties) {
		if (filled[property.name] === undefined && property.type !== 'notice') {
			filled[property.name] = property.default as ICredentialDataDecryptedObject[string];
		}
	}
	return workflow.expression.getComplexParameterValue(
		node,
		filled as INodeParameters,
		'internal',
		{},
		undefined,
		undefined,
		filled,
	) as ICredentialDataDecryptedObject;
}

/** A stored credential as the node sees it: defaults filled in, its own expressions resolved. */
export function resolveCredential(type: string, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const { workflow, node } = workflowWith({}, 'oAuth2', {});
	return withDefaults(workflow, node, type, data);
}

function credentialsHelper(store: CredentialStore, workflow: Workflow): ICredentialsHelper {
	const helper = {
		getParentTypes: (type: string) => parentTypes(type),
		isCredentialUsableByNode: () => true,
		getCredentialsProperties: (type: string) => credentialTypes[type].properties,
		async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
			return withDefaults(workflow, Object.values(workflow.nodes)[0], type, store.get(type));
		},
		async authenticate(
			credentials: ICredentialDataDecryptedObject,
			type: string,
			requestOptions: IHttpRequestOptions,
			wf: Workflow,
			node: INode,
		) {
			const authenticate = credentialTypes[type].authenticate;
			if (!authenticate || typeof authenticate === 'function' || authenticate.type !== 'generic') {
				return requestOptions;
			}
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
				options[target] ??= {};
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					options[target][key] = String(
						wf.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ??
							'',
					);
				}
			}
			return requestOptions;
		},
		async preAuthentication(
			helpers: IHttpRequestHelper,
			credentials: ICredentialDataDecryptedObject,
			type: string,
			node: INode,
			credentialsExpired: boolean,
		) {
			const credentialType = credentialTypes[type];
			const expirable = credentialType.properties.find(
				(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
			);
			if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
			const testing = node.parameters?.temp === '' && node.type === 'n8n-nodes-base.noOp';
			if (credentials[expirable.name] !== '' && !credentialsExpired && !testing) return undefined;
			const output = await credentialType.preAuthentication.call(helpers, credentials);
			if (output[expirable.name] === undefined) return undefined;
			if (node.credentials) store.update(type, { ...store.get(type), ...output } as ICredentialDataDecryptedObject);
			return Object.assign(credentials, output);
		},
		async runPreAuthentication() {
			return undefined;
		},
		async updateCredentials(_details: unknown, type: string, data: ICredentialDataDecryptedObject) {
			store.update(type, data);
		},
		async updateCredentialsOauthTokenData(_details: unknown, type: string, data: ICredentialDataDecryptedObject) {
			store.update(type, { ...store.get(type), oauthTokenData: data.oauthTokenData });
		},
	};
	return helper as unknown as ICredentialsHelper;
}

function additionalData(store: CredentialStore, workflow: Workflow): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: credentialsHelper(store, workflow),
		executionId: `test-${Date.now()}`,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
}

function workflowWith(
	parameters: INodeParameters,
	authentication: Authentication,
	settings: Partial<INode>,
	type: INodeType = nodeType,
) {
	const node: INode = {
		id: 'zoho-invoice-node',
		name: 'Zoho Invoice',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication, ...parameters },
		credentials: { [CREDENTIAL_TYPE[authentication]]: { id: 'cred-1', name: 'Zoho Invoice account' } },
		...settings,
	};
	const workflow = new Workflow({ id: 'wf-1', nodes: [node], connections: {}, active: false, nodeTypes: nodeTypesOf(type) });
	return { workflow, node: workflow.getNode(node.name)! };
}

export interface RunOptions {
	authentication?: Authentication;
	parameters: INodeParameters;
	/** The input items' JSON; one empty item by default. */
	items?: IDataObject[];
	credentials: CredentialStore;
	continueOnFail?: boolean;
	/** Another declarative node to run the same way (the benchmark's bare baseline). */
	nodeType?: INodeType;
}

/** Run the node once over its input items; resolves with the output items or rejects with the node's error. */
export async function runNode(options: RunOptions): Promise<INodeExecutionData[]> {
	const authentication = options.authentication ?? 'selfClient';
	const type = options.nodeType ?? nodeType;
	const { workflow, node } = workflowWith(
		options.parameters,
		authentication,
		options.continueOnFail ? { onError: 'continueRegularOutput' } : {},
		type,
	);
	const inputItems = (options.items ?? [{}]).map((json, index) => ({ json, pairedItem: { item: index } }));
	const inputData = { main: [inputItems] };
	const runExecutionData = createRunExecutionData();
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData(options.credentials, workflow),
		'manual',
		runExecutionData,
		0,
		inputItems,
		inputData,
		{ node, data: inputData, source: null },
		[],
	);
	const output = await new RoutingNode(context, type).runNode();
	return output?.[0] ?? [];
}

/**
 * Run the node as the whole of a workflow with n8n's WorkflowExecute, which
 * adds the node settings RoutingNode alone does not have, such as Retry On Fail.
 */
export async function runWorkflow(
	options: RunOptions & { settings?: Partial<INode> },
): Promise<{ items: INodeExecutionData[]; error?: Error }> {
	const authentication = options.authentication ?? 'selfClient';
	const { node } = workflowWith(options.parameters, authentication, options.settings ?? {});
	// A start node whose output is pinned to the input items, as in n8n's editor.
	const start: INode = { id: 'start', name: 'Start', type: START_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const workflowData = {
		id: 'wf-1',
		name: 'Test',
		nodes: [start, node],
		connections: { Start: { main: [[{ node: node.name, type: 'main' as const, index: 0 }]] } },
		active: false,
		pinData: { Start: (options.items ?? [{}]).map((json) => ({ json })) },
	};
	const types = {
		getByName: (name: string) => (name === START_TYPE ? startNodeType : nodeType),
		getByNameAndVersion: (name: string) => (name === START_TYPE ? startNodeType : nodeType),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({ ...workflowData, nodeTypes: types });
	const data = additionalData(options.credentials, workflow);
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-1', {
		...workflowData,
		createdAt: new Date(),
		updatedAt: new Date(),
		settings: {},
	} as never);
	const execute = new WorkflowExecute({ ...data, hooks } as IWorkflowExecuteAdditionalData, 'manual');
	// n8n 2.x takes an options object, 1.x positional arguments.
	const run =
		N8N_LINE >= 2
			? await (execute.run as (options: object) => Promise<IRun>).call(execute, {
					workflow,
					startNode: start,
					pinData: workflowData.pinData,
				})
			: await (execute.run as unknown as (...args: unknown[]) => Promise<IRun>).call(
					execute,
					workflow,
					start,
					undefined,
					workflowData.pinData,
				);
	const task = run.data.resultData.runData[node.name]?.at(-1);
	return { items: task?.data?.main?.[0] ?? [], error: (run.data.resultData.error ?? task?.error) as Error | undefined };
}

const START_TYPE = 'n8n-nodes-base.manualTrigger';

/** Stands in for n8n's Manual Trigger; its output is pinned, so it never runs. */
const startNodeType = {
	description: {
		displayName: 'Start',
		name: START_TYPE,
		group: ['trigger'],
		version: 1,
		description: '',
		defaults: {},
		inputs: [],
		outputs: ['main'],
		properties: [],
	},
} as unknown as INodeType;

/** The user field's dropdown, as the editor asks for it. */
export async function searchUsers(
	credentials: CredentialStore,
	authentication: Authentication,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { workflow, node } = workflowWith({ resource: 'user', operation: 'get' }, authentication, {});
	const context = new LoadOptionsContext(workflow, node, additionalData(credentials, workflow), 'parameters.userId');
	return await nodeType.methods.listSearch.searchUsers.call(context, filter, paginationToken);
}

/** n8n's "Test" button: the credential's test request through a RoutingNode, as n8n's credentials tester runs it. */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const credentialType = credentialTypes[type];
	const testNodeType: INodeType = {
		description: {
			displayName: 'No Operation',
			name: 'n8n-nodes-base.noOp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: type, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: credentialType.test!.request } },
			],
		},
	} as unknown as INodeType;
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: { temp: '' },
		credentials: { [type]: { id: 'cred-test', name: 'Test' } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypesOf(testNodeType) });
	const store = new CredentialStore({ [type]: data });
	const decrypted = withDefaults(workflow, node, type, data);
	const inputData = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData(store, workflow),
		'internal',
		{ resultData: { runData: {} } } as never,
		0,
		[],
		inputData,
		{ node, data: {}, source: null },
		[],
	);
	try {
		await new RoutingNode(context, testNodeType, { id: 'cred-test', name: 'Test', type, data: decrypted }).runNode();
	} catch (error) {
		// What n8n's tester reports, in the same order of preference.
		const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }).cause;
		for (const rule of credentialType.test?.rules ?? []) {
			if (rule.type === 'responseCode' && cause?.response?.status === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		if (cause?.response && (cause.response.status < 199 || cause.response.status > 299)) {
			return { status: 'Error', message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}` };
		}
		if (cause?.code) return { status: 'Error', message: cause.code };
		return { status: 'Error', message: (error as Error).message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

