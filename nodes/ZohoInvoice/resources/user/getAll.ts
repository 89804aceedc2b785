import type { ZohoOperation } from '../../shared/operation';
import { USERS_SCOPES } from '../../shared/zoho';

export const getAll: ZohoOperation = {
	option: {
		name: 'Get Many',
		value: 'getAll',
		action: 'Get many users',
		description: "List the organization's users",
		routing: { request: { method: 'GET', url: '/users' } },
	},
	fields: [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Status',
					name: 'status',
					type: 'options',
					options: [
						{ name: 'Active', value: 'Active' },
						{ name: 'All', value: 'All' },
						{ name: 'Deleted', value: 'Deleted' },
						{ name: 'Inactive', value: 'Inactive' },
						{ name: 'Invited', value: 'Invited' },
					],
					default: 'All',
					description: 'Only users with this status',
					routing: {
						send: { type: 'query', property: 'filter_by', value: '=Status.{{ $value }}' },
					},
				},
			],
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Sort By',
					name: 'sortColumn',
					type: 'options',
					options: [
						{ name: 'Email', value: 'email' },
						{ name: 'Name', value: 'name' },
						{ name: 'Role', value: 'user_role' },
						{ name: 'Status', value: 'status' },
					],
					default: 'name',
					description: 'The column Zoho sorts the users by',
					routing: { send: { type: 'query', property: 'sort_column' } },
				},
			],
		},
	],
	// The pipeline pages the list: per_page up to 200, page by page, up to Return All or Limit.
	output: { list: 'users' },
	scopes: [USERS_SCOPES.read],
};
