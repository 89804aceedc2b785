/**
 * What a resource and its operations are to the node: each operation's entry
 * in the Operation selector (with its routing), its fields, what Zoho answers
 * it with and the scopes it needs. The UI built from them is descriptions.ts;
 * the pipeline (pipeline.ts) runs them.
 */
import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

/** One request an operation that decides its requests sends: all of it, nothing taken from a template. */
export interface ZohoCall {
	method: IHttpRequestMethods;
	/** After the API base URL, e.g. `/users/982000000554041/active`. */
	url: string;
	body?: IDataObject;
	qs?: IDataObject;
}

/** Sends one call within the organization's limits; resolves with Zoho's success envelope, or throws. */
export type SendForSuccess = (call: ZohoCall) => Promise<Record<string, unknown>>;

/** What Zoho answers an operation with, and so what the node outputs. */
type OperationOutput =
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
	/**
	 * The operation decides its requests itself, maybe none (Create or Update,
	 * Sync): its routing declares no request, and each call it sends is written
	 * out where it is sent. `request` holds what n8n gathered from the fields.
	 */
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
