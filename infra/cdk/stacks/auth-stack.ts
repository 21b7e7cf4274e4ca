/**
 * AuthStack — who may sign in: a Cognito user pool (no self sign-up, MFA required, strong
 * passwords, retained), the groups operator / viewer / agent (the roles of shared/use-cases/authz.ts),
 * the console's app client (authorization code + PKCE, no secret) on the managed sign-in domain,
 * and a resource server whose scopes kokona/<role> carry the role of machine callers, which get
 * their own app client (client credentials, with a secret).
 *
 * Why client credentials for machines (rather than a second, IAM-authorized API): one API, one
 * authorizer and one role model for every caller; a machine gets exactly the role it needs and
 * appears in the audit trail under its client id; rotating its secret needs no IAM change.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';

export interface AuthStackProps extends StackProps {
  /** The console's URL (callback and sign-out URL). */
  readonly consoleUrl: string;
  /** Prefix of the Cognito domain (globally unique). */
  readonly domainPrefix: string;
}

export class AuthStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly consoleClient: cognito.UserPoolClient;
  readonly machineClient: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    this.userPool = new cognito.UserPool(this, 'Operators', {
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [role, description] of [
      ['operator', 'Everything (受付・請求・運用)'],
      ['viewer', 'Reads everything, changes nothing'],
      ['agent', 'A sales agent: only the contracts it sold (matched by its e-mail address)'],
    ] as const)
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role, description });

    this.domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.consoleClient = this.userPool.addClient('Console', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.consoleUrl}/`],
        logoutUrls: [`${props.consoleUrl}/`],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
    });
    new cognito.CfnManagedLoginBranding(this, 'SignInBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.consoleClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    const scopes = (['operator', 'viewer', 'agent'] as const).map(
      (r) => new cognito.ResourceServerScope({ scopeName: r, scopeDescription: `the ${r} role` }),
    );
    const server = this.userPool.addResourceServer('Api', { identifier: 'kokona', scopes });
    this.machineClient = this.userPool.addClient('Machines', {
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: scopes.map((s) => cognito.OAuthScope.resourceServer(server, s)) },
      accessTokenValidity: Duration.hours(1),
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'ConsoleClientId', { value: this.consoleClient.userPoolClientId });
    new CfnOutput(this, 'MachineClientId', {
      value: this.machineClient.userPoolClientId,
      description: 'client credentials; request scope kokona/<role>',
    });
    new CfnOutput(this, 'SignInDomain', { value: this.domain.baseUrl() });
  }
}
