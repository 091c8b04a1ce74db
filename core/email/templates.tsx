/**
 * The platform's emails, built with React Email's components: each template renders to HTML and
 * to plain text (sent alongside), with its subject. Rendered with react-dom/server: React Email's
 * own `render` needs React 19's `react-dom/server.edge` under workerd (the app is on React 18).
 */
import { Body } from '@react-email/body';
import { Button } from '@react-email/button';
import { Container } from '@react-email/container';
import { Head } from '@react-email/head';
import { Heading } from '@react-email/heading';
import { Hr } from '@react-email/hr';
import { Html } from '@react-email/html';
import { Preview } from '@react-email/preview';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { EmailContent } from './messages';
import { loadHtmlToText } from '../lazy-modules';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const PRODUCT = 'Generic Corp';

function Layout({ preview, heading, children }: { preview: string; heading: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: '#f6f7f9', fontFamily: 'Helvetica, Arial, sans-serif', color: '#1f2328' }}>
        <Container style={{ backgroundColor: '#ffffff', padding: '32px', margin: '24px auto', maxWidth: '560px' }}>
          <Heading as="h1" style={{ fontSize: '20px' }}>
            {heading}
          </Heading>
          {children}
          <Hr />
          <Text style={{ fontSize: '12px', color: '#6e7781' }}>{PRODUCT}: a team of AI agents, run as a service.</Text>
        </Container>
      </Body>
    </Html>
  );
}

function Action({ url, label }: { url: string; label: string }) {
  return (
    <Section style={{ margin: '24px 0' }}>
      <Button
        href={url}
        style={{ backgroundColor: '#1f2328', color: '#ffffff', padding: '12px 20px', borderRadius: '6px' }}
      >
        {label}
      </Button>
      <Text style={{ fontSize: '12px', color: '#6e7781' }}>Or open this link: {url}</Text>
    </Section>
  );
}

function compose(content: EmailContent): { subject: string; element: ReactNode } {
  switch (content.template) {
    case 'password_reset': {
      const { name, url } = content.props;
      return {
        subject: `Reset your ${PRODUCT} password`,
        element: (
          <Layout preview="Reset your password" heading="Reset your password">
            <Text>Hi {name}, someone (hopefully you) asked to reset the password of your account.</Text>
            <Action url={url} label="Choose a new password" />
            <Text>
              The link works once, for 30 minutes. Resetting signs you out everywhere. If you did not ask, ignore this
              email: your password stays as it is.
            </Text>
          </Layout>
        ),
      };
    }
    case 'email_verification': {
      const { name, url } = content.props;
      return {
        subject: `Confirm your email for ${PRODUCT}`,
        element: (
          <Layout preview="Confirm your email address" heading="Confirm your email address">
            <Text>Hi {name}, confirm that this address is yours to finish setting up your account.</Text>
            <Action url={url} label="Confirm my email" />
            <Text>The link works for 7 days. If you did not sign up, ignore this email.</Text>
          </Layout>
        ),
      };
    }
    case 'invitation': {
      const { organization, inviter, role, url } = content.props;
      return {
        subject: `${inviter} invited you to ${organization} on ${PRODUCT}`,
        element: (
          <Layout preview={`Join ${organization}`} heading={`Join ${organization}`}>
            <Text>
              {inviter} invited you to join {organization} as {role === 'admin' ? 'an' : 'a'} {role}.
            </Text>
            <Action url={url} label="Accept the invitation" />
            <Text>The invitation works once and expires in 7 days.</Text>
          </Layout>
        ),
      };
    }
    case 'trial_ending': {
      const { organization, trialEndsAt, url } = content.props;
      return {
        subject: `Your ${PRODUCT} trial for ${organization} ends soon`,
        element: (
          <Layout preview="Your trial ends soon" heading="Your trial ends soon">
            <Text>
              The trial of {organization} ends on {trialEndsAt}. Add a payment method to keep your plan; otherwise the
              organization moves to the Free plan and keeps its work.
            </Text>
            <Action url={url} label="Open billing" />
          </Layout>
        ),
      };
    }
    case 'payment_failed': {
      const { organization, url } = content.props;
      return {
        subject: `Payment failed for ${organization}`,
        element: (
          <Layout preview="We could not charge your card" heading="We could not charge your card">
            <Text>
              The latest payment for {organization} failed. Stripe will retry it; update the payment method to keep the
              plan.
            </Text>
            <Action url={url} label="Update payment method" />
          </Layout>
        ),
      };
    }
    case 'external_message': {
      const { organization, agent, subject, body } = content.props;
      return {
        subject,
        element: (
          <Layout preview={subject} heading={subject}>
            {body.split(/\n{2,}/).map((paragraph, i) => (
              <Text key={`${i}:${paragraph.slice(0, 16)}`} style={{ whiteSpace: 'pre-wrap' }}>
                {paragraph}
              </Text>
            ))}
            <Text style={{ fontSize: '12px', color: '#6e7781' }}>
              Written by {agent}, an AI agent of {organization}, and approved by a person there before sending.
            </Text>
          </Layout>
        ),
      };
    }
  }
}

/** Subject, HTML and plain text of one email. */
export async function renderEmail(content: EmailContent): Promise<RenderedEmail> {
  const { subject, element } = compose(content);
  const markup = renderToStaticMarkup(element);
  const html = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">${markup}`;
  return { subject, html, text: await plainText(markup) };
}

/**
 * The readable text of the email, by html-to-text: the preview line and head dropped, a link as
 * its label then its URL, Outlook's conditional markup (comments) ignored, paragraphs apart.
 */
export async function plainText(markup: string): Promise<string> {
  const { convert } = await loadHtmlToText();
  return convert(markup, {
    wordwrap: false,
    selectors: [
      { selector: '[data-skip-in-text=true]', format: 'skip' },
      { selector: 'img', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'a', options: { linkBrackets: false, hideLinkHrefIfSameAsText: true } },
    ],
  });
}
