import type { INodeExecutionData } from 'n8n-workflow';

import type { ReceivedRequest, ZohoSandbox } from '../../sandbox/server';

/** A request as a line: method and path below the API's base. */
export const line = (request: ReceivedRequest) =>
	`${request.method} ${request.path.replace('/invoice/v3', '')}`;

/** What Zoho received besides the listing. */
export const changesSent = (sandbox: ZohoSandbox) =>
	sandbox
		.apiRequests()
		.filter((request) => !(request.method === 'GET' && request.path.endsWith('/users')))
		.map(line);

export const jsonOf = (output: INodeExecutionData[]) => output.map((item) => item.json);
