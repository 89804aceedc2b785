import { testUserAction } from '../../../../helpers/userAction';

describe('User → Mark Inactive', () => {
	testUserAction({
		operation: 'markInactive',
		method: 'POST',
		pathSuffix: '/inactive',
		message: 'The user has been marked as inactive.',
	});
});
