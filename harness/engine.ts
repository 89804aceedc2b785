/**
 * Runs the node the way n8n runs a declarative node: n8n-core's RoutingNode
 * with an ExecuteContext (what n8n's WorkflowExecute does for a node without
 * `execute`), or the whole workflow through WorkflowExecute for the node
 * settings only it applies (Retry On Fail). What the files here supply is
 * what n8n's CLI supplies in production: credentials (credentials.ts) and
 * the URLs of the instance.
 */
import {
	DirectoryLoader,
	ExecuteContext,
	ExecutionLifecycleHooks,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import { Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	IConnections,
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { ZohoInvoice } from '../nodes/ZohoInvoice/ZohoInvoice.node';
import {
	CREDENTIAL_TYPE,
	CredentialStore,
	credentialTypes,
	credentialsHelper,
	withDefaults,
} from './credentials';
import type { Authentication } from './credentials';

/** Which n8n line this jest project runs against (see jest.config.js). */
export const N8N_LINE = (globalThis as { N8N_LINE?: number }).N8N_LINE ?? 2;

export const NODE_TYPE = 'n8n-nodes-zoho-invoice.zohoInvoice';

export const nodeType = new ZohoInvoice();
// n8n's loader adds the Request Options (batching, timeout, proxy) to every declarative node.
DirectoryLoader.applyDeclarativeNodeOptionParameters(nodeType);

export function nodeTypesOf(types: Record<string, INodeType>, fallback: INodeType): INodeTypes {
	const byName = (name: string) => types[name] ?? fallback;
	return {
		getByName: byName,
		getByNameAndVersion: byName,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
}

export function additionalData(
	store: CredentialStore,
	workflow: Workflow,
): IWorkflowExecuteAdditionalData {
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

/** Other nodes around the node under test (named "Zoho Invoice"), and how they connect. */
export interface Surroundings {
	nodes: INode[];
	connections: IConnections;
}

/** A workflow holding the node with these parameters and the credential for `authentication`. */
export function workflowWith(
	parameters: INodeParameters,
	authentication: Authentication,
	settings: Partial<INode> = {},
	type: INodeType = nodeType,
	typeName = NODE_TYPE,
	surroundings: Surroundings = { nodes: [], connections: {} },
) {
	const node: INode = {
		id: 'zoho-invoice-node',
		name: 'Zoho Invoice',
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: { authentication, ...parameters },
		credentials: {
			[CREDENTIAL_TYPE[authentication]]: { id: 'cred-1', name: 'Zoho Invoice account' },
		},
		...settings,
	};
	const workflow = new Workflow({
		id: 'wf-1',
		nodes: [node, ...surroundings.nodes],
		connections: surroundings.connections,
		active: false,
		nodeTypes: nodeTypesOf({}, type),
	});
	return { workflow, node: workflow.getNode(node.name)! };
}

/** A stored credential as the node sees it: defaults filled in, its own expressions resolved. */
export function resolveCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const { workflow, node } = workflowWith({}, 'oAuth2');
	return withDefaults(workflow, node, type, data);
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
	/**
	 * The execution this run belongs to. Two runs given the same one are two
	 * passes of one execution, as in a loop: n8n keeps the execution's data
	 * and gives each pass a new execute-data object.
	 */
	execution?: IRunExecutionData;
	/** n8n's cancel signal for the execution (the editor's Stop button, a timeout). */
	signal?: AbortSignal;
	/** Node settings, e.g. Execute Once. */
	settings?: Partial<INode>;
	/** Nodes wired around this one (a loop, a second input): only their wiring matters. */
	surroundings?: Surroundings;
}

/** Run the node once over its input items (one run); resolves with the output items or rejects with the node's error. */
export async function runNode(options: RunOptions): Promise<INodeExecutionData[]> {
	const authentication = options.authentication ?? 'selfClient';
	const type = options.nodeType ?? nodeType;
	const { workflow, node } = workflowWith(
		options.parameters,
		authentication,
		{
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...options.settings,
		},
		type,
		NODE_TYPE,
		options.surroundings,
	);
	const inputItems = (options.items ?? [{}]).map((json, index) => ({
		json,
		pairedItem: { item: index },
	}));
	const inputData = { main: [inputItems] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData(options.credentials, workflow),
		'manual',
		options.execution ?? createRunExecutionData(),
		0,
		inputItems,
		inputData,
		// n8n's WorkflowExecute gives every run of a node a new execute-data object, as here.
		{ node, data: inputData, source: null },
		[],
		options.signal,
	);
	const output = await new RoutingNode(context, type).runNode();
	return output?.[0] ?? [];
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
	const start: INode = {
		id: 'start',
		name: 'Start',
		type: START_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflowData = {
		id: 'wf-1',
		name: 'Test',
		nodes: [start, node],
		connections: { Start: { main: [[{ node: node.name, type: 'main' as const, index: 0 }]] } },
		active: false,
		pinData: { Start: (options.items ?? [{}]).map((json) => ({ json })) },
	};
	const workflow = new Workflow({
		...workflowData,
		nodeTypes: nodeTypesOf({ [START_TYPE]: startNodeType }, nodeType),
	});
	const data = additionalData(options.credentials, workflow);
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-1', {
		...workflowData,
		createdAt: new Date(),
		updatedAt: new Date(),
		settings: {},
	} as never);
	const execute = new WorkflowExecute(
		{ ...data, hooks } as IWorkflowExecuteAdditionalData,
		'manual',
	);
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
	return {
		items: task?.data?.main?.[0] ?? [],
		error: (run.data.resultData.error ?? task?.error) as Error | undefined,
	};
}

/** n8n's "Test" button: the credential's test request through a RoutingNode, as n8n's credentials tester runs it. */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const credentialType = credentialTypes[type];
	const testNodeType = {
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
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: credentialType.test!.request },
				},
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
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf({}, testNodeType),
	});
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
		await new RoutingNode(context, testNodeType, {
			id: 'cred-test',
			name: 'Test',
			type,
			data: decrypted,
		}).runNode();
	} catch (error) {
		// What n8n's tester reports, in the same order of preference.
		const cause = (
			error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }
		).cause;
		for (const rule of credentialType.test?.rules ?? []) {
			if (rule.type === 'responseCode' && cause?.response?.status === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		if (cause?.response && (cause.response.status < 199 || cause.response.status > 299)) {
			return {
				status: 'Error',
				message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}`,
			};
		}
		if (cause?.code) return { status: 'Error', message: cause.code };
		return { status: 'Error', message: (error as Error).message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
