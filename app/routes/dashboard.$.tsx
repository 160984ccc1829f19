/** /dashboard/<anything else>: a 404 drawn inside the dashboard frame (the layout's error boundary). */
export async function loader() {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}

export default function DashboardNotFound() {
  return null;
}
