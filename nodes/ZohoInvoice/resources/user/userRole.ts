import type { INodeProperties } from 'n8n-workflow';

/** Zoho's roles for Invoice users; an expression can give any other role Zoho accepts. */
export const userRoleField: INodeProperties = {
	displayName: 'Role',
	name: 'userRole',
	type: 'options',
	options: [
		{ name: 'Admin', value: 'admin', description: 'Full access, including settings and users' },
		{
			name: 'Staff',
			value: 'staff',
			description: 'Access to invoices, customers and items, not settings',
		},
		{ name: 'Timesheet Staff', value: 'timesheetstaff', description: 'Logs time on projects only' },
	],
	default: 'staff',
	description: 'What the user may do in Zoho Invoice',
	routing: { send: { type: 'body', property: 'user_role' } },
};

/** Create's and Create or Update's optional fields: the role. */
export const additionalFieldsWithRole: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: [userRoleField],
};

/** Zoho's roles are one role in any case ("Admin" is "admin"): compared as Zoho does. */
export function sameRole(listed: unknown, wanted: unknown): boolean {
	return String(listed ?? '').toLowerCase() === String(wanted).toLowerCase();
}
