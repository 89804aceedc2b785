import { USERS_SCOPES } from '../../shared/zoho';
import { userAction } from './userAction';

export const markInactive = userAction({
	name: 'Mark Inactive',
	value: 'markInactive',
	action: 'Mark a user as inactive',
	description: 'Stop a user from signing in, keeping their records',
	method: 'POST',
	pathAfterUser: '/inactive',
	scope: USERS_SCOPES.create,
});
