/**
 * Credentials as n8n's CLI keeps and applies them, reduced to what the engine
 * asks of its credentials helper (n8n's `CredentialsHelper` in
 * packages/cli/src/credentials-helper.ts): stored data, defaults and the
 * credential's own expressions filled in, `preAuthentication` when the
 * expirable token is empty or Zoho answered 401, the generic `authenticate`
 * block, and what n8n writes back to its database.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsHelper,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeParameters,
	Workflow,
} from 'n8n-workflow';

import { ZohoInvoiceApi } from '../credentials/ZohoInvoiceApi.credentials';
import { ZohoInvoiceOAuth2Api } from '../credentials/ZohoInvoiceOAuth2Api.credentials';
import type { ZohoSandbox } from '../sandbox/server';

/** n8n's own parent type for OAuth2 credentials, reduced to what the engine reads. */
const oAuth2Api: ICredentialType = { name: 'oAuth2Api', displayName: 'OAuth2 API', properties: [] };

export const credentialTypes: Record<string, ICredentialType> = {
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

/** Where the sandbox is, as both credentials name it. */
function sandboxConnection(sandbox: ZohoSandbox) {
	return {
		region: 'custom',
		customApiUrl: sandbox.apiUrl,
		customAccountsUrl: sandbox.accountsUrl,
		organizationId: sandbox.organizationId,
	};
}

/** What a Self Client credential for the sandbox holds. */
export function selfClientCredentials(
	sandbox: ZohoSandbox,
	overrides: IDataObject = {},
): ICredentialDataDecryptedObject {
	return {
		...sandboxConnection(sandbox),
		clientId: sandbox.selfClient.clientId,
		clientSecret: sandbox.selfClient.clientSecret,
		refreshToken: sandbox.selfClient.refreshToken,
		accessToken: '',
		...overrides,
	} as ICredentialDataDecryptedObject;
}

/** What a Zoho Invoice OAuth2 credential for the sandbox holds; connected when given token data. */
export function oauth2Credentials(
	sandbox: ZohoSandbox,
	oauthTokenData?: IDataObject,
): ICredentialDataDecryptedObject {
	return {
		...sandboxConnection(sandbox),
		clientId: sandbox.oauthClient.clientId,
		clientSecret: sandbox.oauthClient.clientSecret,
		...(oauthTokenData ? { oauthTokenData } : {}),
	} as ICredentialDataDecryptedObject;
}

/** Stored credentials of both types, pointing at the sandbox. */
export function sandboxCredentials(sandbox: ZohoSandbox): CredentialStore {
	const store = new CredentialStore();
	store.set('zohoInvoiceApi', selfClientCredentials(sandbox));
	store.set(
		'zohoInvoiceOAuth2Api',
		oauth2Credentials(sandbox, { access_token: sandbox.issueAccessToken(), token_type: 'Bearer' }),
	);
	return store;
}

function parentTypes(type: string): string[] {
	const parents = credentialTypes[type]?.extends ?? [];
	return parents.flatMap((parent) => [parent, ...parentTypes(parent)]);
}

/** Fill defaults and resolve the credential's own expressions (`$self`), as n8n's helper does. */
export function withDefaults(
	workflow: Workflow,
	node: INode,
	type: string,
	data: ICredentialDataDecryptedObject,
) {
	const filled: ICredentialDataDecryptedObject = { ...data };
	for (const property of credentialTypes[type].properties) {
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

/** Applies a generic `authenticate` block: its expressions resolved with `$credentials`, as n8n does. */
function authenticate(
	credentials: ICredentialDataDecryptedObject,
	type: string,
	requestOptions: IHttpRequestOptions,
	workflow: Workflow,
	node: INode,
) {
	const block = credentialTypes[type].authenticate;
	if (!block || typeof block === 'function' || block.type !== 'generic') return requestOptions;
	for (const [target, entries] of Object.entries(block.properties)) {
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		options[target] ??= {};
		for (const [key, value] of Object.entries(entries as Record<string, string>)) {
			options[target][key] = String(
				workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				) ?? '',
			);
		}
	}
	return requestOptions;
}

export function credentialsHelper(store: CredentialStore, workflow: Workflow): ICredentialsHelper {
	const helper = {
		getParentTypes: (type: string) => parentTypes(type),
		isCredentialUsableByNode: () => true,
		getCredentialsProperties: (type: string) => credentialTypes[type].properties,
		// n8n's CLI reads the credential from its database on every call: so does this, from the store.
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
			return authenticate(credentials, type, requestOptions, wf, node);
		},
		// As n8n's helper: only for a credential with an expirable hidden field, when it is empty,
		// expired (after a 401), or on the Test button; what it returns is written back.
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
			if (node.credentials)
				store.update(type, { ...store.get(type), ...output } as ICredentialDataDecryptedObject);
			return Object.assign(credentials, output);
		},
		async runPreAuthentication() {
			return undefined;
		},
		async updateCredentials(_details: unknown, type: string, data: ICredentialDataDecryptedObject) {
			store.update(type, data);
		},
		async updateCredentialsOauthTokenData(
			_details: unknown,
			type: string,
			data: ICredentialDataDecryptedObject,
		) {
			store.update(type, { ...store.get(type), oauthTokenData: data.oauthTokenData });
		},
	};
	return helper as unknown as ICredentialsHelper;
}
