/** The desktop side on AWS (api, provisioner, reconciler): WorkSpaces, Directory Service and KMS, apart from wiring.ts (see there). */
import type { Config } from '#domain/config.ts';
import { makeWorkspacesClient } from '#adapters/workspaces/client.ts';
import { WorkspacesDesktopGateway } from '#adapters/workspaces/workspaces-desktop-gateway.ts';
import { AwsDirectoryGateway, DsDataClient, makeDirectoryServiceClient } from '#adapters/directory/directory-gateway.ts';
import { EnvelopePasswordVault, KmsKeyWrapper, makeKmsClient } from '#adapters/kms/password-vault.ts';
import type { CaptureClient } from '#runtime/observability.ts';

/** The desktop side on AWS: WorkSpaces, the directory (Data API + ResetUserPassword) and the KMS-wrapped vault; AWS calls traced. */
export function awsDesktops(config: Config, kitKeyId: string, capture: CaptureClient) {
  const region = process.env.AWS_REGION ?? 'ap-northeast-1';
  return {
    desktops: new WorkspacesDesktopGateway(capture(makeWorkspacesClient({ region })), {
      ...config.workspaces,
      desktops: config.desktops,
    }),
    directory: new AwsDirectoryGateway(
      new DsDataClient({ region }),
      capture(makeDirectoryServiceClient({ region })),
      config.workspaces.directoryId,
    ),
    vault: new EnvelopePasswordVault(new KmsKeyWrapper(capture(makeKmsClient(region)), kitKeyId)),
  };
}
